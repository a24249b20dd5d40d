/**
 * Every Redis key the hotline uses is built here. Keys that one Lua script touches together share
 * a hash tag (`{…}`) so the scripts also run on Redis Cluster.
 */
export interface RedisKeys {
  session(callSid: string): string;
  /** Plain keys of the key-value store (counters, codes, overrides). */
  value(key: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    session: (callSid) => `${prefix}{call:${callSid}}:session`,
    value: (key) => `${prefix}kv:${key}`,
  };
}

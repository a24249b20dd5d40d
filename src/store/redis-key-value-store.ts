import type { RedisClient } from './redis-connection';
import type { KeyValueStore } from './key-value-store';
import type { RedisKeys } from './redis-keys';

/** KEYS[1] set; ARGV member, ttl ms (set only when the set is new); returns 1 if added. */
const ADD_TO_SET = `
local added = redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2], 'NX')
return added
`;

type SetRedis = RedisClient & { kvAddToSet(key: string, member: string, ttlMs: string): Promise<number> };

export class RedisKeyValueStore implements KeyValueStore {
  constructor(private readonly redis: RedisClient, private readonly keys: RedisKeys) {
    if (!('kvAddToSet' in redis)) redis.defineCommand('kvAddToSet', { numberOfKeys: 1, lua: ADD_TO_SET });
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(this.keys.value(key));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.redis.set(this.keys.value(key), value);
    else await this.redis.set(this.keys.value(key), value, 'PX', ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.value(key), value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const fullKey = this.keys.value(key);
    // MULTI keeps INCR and the create-time expiry in one round trip; NX never extends a window.
    const results = await this.redis.multi().incr(fullKey).pexpire(fullKey, ttlMs, 'NX').exec();
    const [error, value] = results?.[0] ?? [new Error('increment: empty reply'), null];
    if (error) throw error;
    return Number(value);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.keys.value(key));
  }

  async addToSet(key: string, member: string, ttlMs: number): Promise<void> {
    // One command (not MULTI), so auto-pipelining can send it with the webhook's session read.
    await (this.redis as SetRedis).kvAddToSet(this.keys.value(key), member, String(ttlMs));
  }

  setSize(key: string): Promise<number> {
    return this.redis.scard(this.keys.value(key));
  }
}

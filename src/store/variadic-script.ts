import type { RedisClient } from './redis-connection';

/**
 * Defines a Lua script whose number of keys varies, so that each call gives the count first.
 * ioredis's auto-pipelining files a command under the slot of its first argument — for such a
 * script the count, not a key — so on a Cluster it could share a pipeline with commands bound for
 * another master, and the cluster refuses that whole pipeline, failing other calls' commands too.
 * Such a script is therefore sent on its own, never auto-pipelined.
 */
export function defineVariadicScript(redis: RedisClient, name: string, lua: string): void {
  if (name in redis) return;
  redis.defineCommand(name, { lua });
  const ignored = redis.options.autoPipeliningIgnoredCommands ?? [];
  if (!ignored.includes(name)) redis.options.autoPipeliningIgnoredCommands = [...ignored, name];
}

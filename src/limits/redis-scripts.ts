import type { RedisClient } from '../store/redis-connection';
import { luaScript, numberOfKeys } from '../store/lua-script';

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

/** The limits' scripts (lua/*.lua), defined once per connection; each runs as one EVALSHA. */
export function limitScript(redis: RedisClient, file: string): ScriptCommand {
  const name = `hotlineLimits_${file.replace(/\W/g, '_')}`;
  if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: numberOfKeys(file), lua: luaScript('limits', file) });
  const command = (redis as unknown as Record<string, ScriptCommand>)[name]!;
  return (...args) => command.apply(redis, args);
}

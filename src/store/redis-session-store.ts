import type { RedisClient } from './redis-connection';
import type { RedisKeys } from './redis-keys';
import type { SessionStore, StoredSession } from './session-store';

/** KEYS[1] session hash; ARGV expected revision, data, ttl seconds; returns 1 written, 0 stale. */
const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'rev')
if (current or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'rev', tonumber(ARGV[1]) + 1, 'data', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

type SessionRedis = RedisClient & {
  sessionCompareAndSet(key: string, expected: string, data: string, ttl: string): Promise<number>;
};

export class RedisSessionStore implements SessionStore {
  private readonly redis: SessionRedis;

  constructor(redis: RedisClient, private readonly keys: RedisKeys) {
    if (!('sessionCompareAndSet' in redis)) {
      redis.defineCommand('sessionCompareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
    }
    this.redis = redis as SessionRedis;
  }

  async load(callSid: string): Promise<StoredSession | null> {
    const [rev, data] = await this.redis.hmget(this.keys.session(callSid), 'rev', 'data');
    if (rev === null || rev === undefined || data === null || data === undefined) return null;
    return { revision: Number(rev), data };
  }

  async save(callSid: string, data: string, expectedRevision: number, ttlSeconds: number): Promise<boolean> {
    const written = await this.redis.sessionCompareAndSet(
      this.keys.session(callSid),
      String(expectedRevision),
      data,
      String(ttlSeconds),
    );
    return written === 1;
  }
}

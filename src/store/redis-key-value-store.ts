import type { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store';
import type { RedisKeys } from './redis-keys';

export class RedisKeyValueStore implements KeyValueStore {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  get(key: string): Promise<string | null> {
    return this.redis.get(this.keys.value(key));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.redis.set(this.keys.value(key), value);
    else await this.redis.set(this.keys.value(key), value, 'PX', ttlMs);
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
}

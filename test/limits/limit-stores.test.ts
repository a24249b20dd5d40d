import type { Redis } from 'ioredis';
import { limitKeys } from '../../src/limits/limit-keys';
import { memoryLimitStores, redisLimitStores } from '../../src/limits/limit-stores';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { ManualClock } from '../support/manual-clock';
import { limitStoresContract } from './limit-stores.contract';

describe('limit stores, embedded', () => {
  let clock: ManualClock;
  limitStoresContract({
    create: async () => {
      clock = new ManualClock();
      return memoryLimitStores(clock);
    },
    cleanup: async () => undefined,
    now: () => clock.now(),
    advance: (ms) => clock.advance(ms),
  });
});

describe('limit stores, Redis', () => {
  let redis: Redis;
  let prefix: string;
  let clock: ManualClock;
  beforeAll(async () => {
    redis = await testRedis();
  });
  afterAll(() => redis.quit());

  limitStoresContract({
    create: async () => {
      clock = new ManualClock();
      prefix = uniquePrefix('limits');
      return redisLimitStores(redis, prefix);
    },
    cleanup: () => deletePrefix(redis, prefix),
    now: () => clock.now(),
    advance: (ms) => clock.advance(ms),
  });

  it('keeps every key of a subject under its hash tag, and every key expires', async () => {
    clock = new ManualClock();
    prefix = uniquePrefix('limits-keys');
    const limits = redisLimitStores(redis, prefix);
    const keys = limitKeys(prefix);
    const pin = { subject: 'wallet:W1', counter: 'pin' };
    const policy = { limit: 3, windowMs: 900_000, lockMs: 900_000, forgiveOnRight: true };
    for (const id of ['1', '2', '3']) {
      await limits.attempts.reserve(pin, id, clock.now(), policy);
      await limits.attempts.settle(pin, id, 'wrong', clock.now(), policy);
    }
    await limits.quotas.take('wallet:W1', [{ name: 'codes', limit: 5, windowMs: 3_600_000 }], clock.now());
    const stored = await redis.keys(`${prefix}*`);
    expect(stored.sort()).toEqual([keys.lock('wallet:W1'), keys.quota('wallet:W1')].sort());
    for (const key of stored) {
      expect(key.startsWith(`${prefix}{wallet:W1}:`)).toBe(true);
      expect(await redis.pttl(key)).toBeGreaterThan(0);
    }
    await deletePrefix(redis, prefix);
  });
});

import type { Redis } from 'ioredis';
import { redisKeys } from '../../src/store/redis-keys';
import { createRedisStore, type Store } from '../../src/stores';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { keyValueStoreContract } from './key-value-store.contract';
import { sessionStoreContract } from './session-store.contract';

const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('the Redis store', () => {
  let redis: Redis;
  let prefix: string;
  let store: Store;

  beforeAll(async () => {
    redis = await testRedis();
  });
  afterAll(() => redis.quit());

  const factory = {
    elapse: realWait,
    cleanup: () => deletePrefix(redis, prefix),
  };
  const fresh = () => {
    prefix = uniquePrefix('store');
    store = createRedisStore(redis, prefix);
    return store;
  };

  describe('sessions', () => {
    sessionStoreContract({ ...factory, create: async () => fresh().sessions });
  });

  describe('values', () => {
    keyValueStoreContract({ ...factory, create: async () => fresh().values });
  });

  describe('Redis specifics', () => {
    beforeEach(() => fresh());
    afterEach(() => deletePrefix(redis, prefix));

    it('keeps every key under its own prefix, sessions under a per-call hash tag', async () => {
      await store.sessions.save('CA1', 'x', 0, 60);
      await store.values.set('k', 'v');
      await store.values.increment('n', 60_000);
      const keys = (await redis.keys(`${prefix}*`)).sort();
      expect(keys).toEqual([`${prefix}kv:k`, `${prefix}kv:n`, `${prefix}{call:CA1}:session`].sort());
      expect(keys).toContain(redisKeys(prefix).session('CA1'));
    });

    it('sets the session TTL in seconds on every write', async () => {
      await store.sessions.save('CA1', 'x', 0, 300);
      const first = await redis.ttl(redisKeys(prefix).session('CA1'));
      expect(first).toBeGreaterThan(295);
      expect(first).toBeLessThanOrEqual(300);
      await store.sessions.save('CA1', 'y', 1, 7200);
      expect(await redis.ttl(redisKeys(prefix).session('CA1'))).toBeGreaterThan(7000);
    });

    it('increment sets the expiry only when it creates the counter', async () => {
      const key = redisKeys(prefix).value('n');
      await store.values.increment('n', 60_000);
      const first = await redis.pttl(key);
      expect(first).toBeGreaterThan(55_000);
      await store.values.increment('n', 3_600_000);
      const second = await redis.pttl(key);
      expect(second).toBeLessThanOrEqual(first);
    });

    it('set with a TTL uses milliseconds; set without one persists', async () => {
      const key = redisKeys(prefix).value('code');
      await store.values.set('code', 'x', 300_000);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(290_000);
      expect(ttl).toBeLessThanOrEqual(300_000);
      await store.values.set('code', 'y');
      expect(await redis.pttl(key)).toBe(-1);
    });

    it('two stores on one connection with different prefixes do not see each other', async () => {
      const otherPrefix = uniquePrefix('store-other');
      const other = createRedisStore(redis, otherPrefix);
      try {
        await store.sessions.save('CA1', 'mine', 0, 60);
        expect(await other.sessions.load('CA1')).toBeNull();
        expect(await other.sessions.save('CA1', 'theirs', 0, 60)).toBe(true);
        expect(await store.sessions.load('CA1')).toEqual({ revision: 1, data: 'mine' });
      } finally {
        await deletePrefix(redis, otherPrefix);
      }
    });

    it('answers ping and reports its kind', async () => {
      expect(store.kind).toBe('redis');
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
});

import type { Redis } from 'ioredis';
import { queueKeys } from '../../src/queue/queue-keys';
import { RedisHumanQueue } from '../../src/queue/redis-human-queue';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { caller, humanQueueContract } from './human-queue.contract';

describe('RedisHumanQueue', () => {
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    redis = await testRedis();
  });
  afterAll(() => redis.quit());

  humanQueueContract({
    create: async () => {
      prefix = uniquePrefix('queue');
      return new RedisHumanQueue(redis, prefix);
    },
    cleanup: () => deletePrefix(redis, prefix),
  });

  describe('Redis specifics', () => {
    let queue: RedisHumanQueue;

    beforeEach(() => {
      prefix = uniquePrefix('queue');
      queue = new RedisHumanQueue(redis, prefix, { callTtlMs: 60_000, sweepBatch: 2 });
    });
    afterEach(() => deletePrefix(redis, prefix));

    it('keeps every key under one hash tag, so the scripts run on Redis Cluster', async () => {
      await queue.enqueue(caller('CA-1'));
      await queue.claim(['tier1'], 'alice', Date.now(), 30_000);
      await queue.recordWait('tier1', 1000, Date.now());
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.startsWith(`${prefix}{queue}:`)).toBe(true);
    });

    it('lets a call nobody removes expire, and claim skips what it left behind', async () => {
      await queue.enqueue(caller('CA-lost'));
      await queue.enqueue(caller('CA-2', { enqueuedAt: 1_700_000_000_001 }));
      const ttl = await redis.pttl(queueKeys(prefix).call('CA-lost'));
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await redis.del(queueKeys(prefix).call('CA-lost'));
      expect((await queue.claim(['tier1'], 'alice', Date.now(), 30_000))?.call.callSid).toBe('CA-2');
      expect(await queue.depth('tier1')).toBe(0);
    });

    it('sweeps more expired leases than one batch', async () => {
      const now = 1_700_000_000_000;
      for (let i = 0; i < 5; i += 1) await queue.enqueue(caller(`CA-${i}`, { enqueuedAt: now + i }));
      for (let i = 0; i < 5; i += 1) await queue.claim(['tier1'], 'alice', now, 1000 + i);
      expect(await queue.sweepExpiredLeases(now + 10_000)).toEqual(['CA-0', 'CA-1', 'CA-2', 'CA-3', 'CA-4']);
      expect(await queue.depth('tier1')).toBe(5);
    });

    it('shares the scripts between queues on one connection', async () => {
      const other = new RedisHumanQueue(redis, uniquePrefix('queue-other'));
      expect(await other.depth('tier1')).toBe(0);
      await queue.enqueue(caller('CA-1'));
      expect(await other.position('CA-1')).toBeNull();
    });
  });
});

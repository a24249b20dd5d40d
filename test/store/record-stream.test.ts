import type { Redis } from 'ioredis';
import { MemoryRecordStream } from '../../src/store/memory-record-stream';
import { createRedisStore } from '../../src/stores';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { recordStreamContract } from './record-stream.contract';

describe('the record stream in Redis', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  beforeAll(async () => {
    redis = await testRedis();
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.quit();
  });

  recordStreamContract(async (maxLen) => {
    const prefix = uniquePrefix('record-stream');
    prefixes.push(prefix);
    return createRedisStore(redis, prefix, maxLen === undefined ? {} : { recordsMaxLen: maxLen }).records;
  });

  it('has a consumer group that survives being ensured twice', async () => {
    const prefix = uniquePrefix('record-stream');
    prefixes.push(prefix);
    const stream = createRedisStore(redis, prefix).records;
    await stream.ensureGroup();
    await expect(stream.ensureGroup()).resolves.toBeUndefined();
  });
});

describe('the embedded record stream', () => {
  recordStreamContract(async (maxLen) => new MemoryRecordStream(maxLen));
});

import type { Redis } from 'ioredis';
import { handoffKeys } from '../../../src/handoff/record/handoff-keys';
import { MemoryHandoffStore } from '../../../src/handoff/record/memory-handoff-store';
import { RedisHandoffStore } from '../../../src/handoff/record/redis-handoff-store';
import { deletePrefix, testRedis, uniquePrefix } from '../../support/redis';
import { ManualClock } from '../../support/manual-clock';
import { handoffRecordContract } from './handoff-records.contract';

handoffRecordContract('Redis', async () => {
  const redis: Redis = await testRedis();
  const prefix = uniquePrefix('handoff');
  const keys = handoffKeys(prefix);
  return {
    store: new RedisHandoffStore(redis, prefix),
    clock: new ManualClock(),
    ttlOf: async (callSid) => redis.pttl(keys.record(callSid)),
    close: async () => {
      await deletePrefix(redis, prefix);
      await redis.quit();
    },
  };
});

handoffRecordContract('embedded', async () => {
  const clock = new ManualClock();
  return { store: new MemoryHandoffStore(clock), clock, ttlOf: async () => null, close: async () => undefined };
});

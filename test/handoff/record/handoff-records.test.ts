import type { Redis } from 'ioredis';
import { handoffKeys } from '../../../src/handoff/record/handoff-keys';
import { MemoryHandoffStore } from '../../../src/handoff/record/memory-handoff-store';
import { RedisHandoffStore } from '../../../src/handoff/record/redis-handoff-store';
import { DEFAULT_HANDOFF_RULES } from '../../../src/handoff/record/handoff-rules';
import { claimTerms } from '../../../src/handoff/record/transitions/agent-transitions';
import { deletePrefix, testRedis, uniquePrefix } from '../../support/redis';
import { ManualClock } from '../../support/manual-clock';
import { claimContract, type ClaimStoreUnderTest } from './claim.contract';
import { entry, handoffRecordContract } from './handoff-records.contract';

async function redisUnderTest(): Promise<ClaimStoreUnderTest & { redis: Redis; prefix: string }> {
  const redis: Redis = await testRedis();
  const prefix = uniquePrefix('handoff');
  const keys = handoffKeys(prefix);
  return {
    redis,
    prefix,
    store: new RedisHandoffStore(redis, prefix),
    clock: new ManualClock(),
    ttlOf: async (callSid) => redis.pttl(keys.record(callSid)),
    outlive: async (callSid) => {
      await redis.del(keys.record(callSid));
    },
    close: async () => {
      await deletePrefix(redis, prefix);
      await redis.quit();
    },
  };
}

function embeddedUnderTest(): ClaimStoreUnderTest {
  const clock = new ManualClock();
  return {
    store: new MemoryHandoffStore(clock),
    clock,
    ttlOf: async () => null,
    // Records made at least a second after this one outlive it.
    outlive: async () => clock.advance(DEFAULT_HANDOFF_RULES.recordTtlMs - 500),
    close: async () => undefined,
  };
}

handoffRecordContract('Redis', redisUnderTest);
handoffRecordContract('embedded', async () => embeddedUnderTest());
claimContract('Redis', redisUnderTest);
claimContract('embedded', async () => embeddedUnderTest());

describe('the claim script (Redis only)', () => {
  it('refuses to claim a record with a number cjson would round (15 digits or more): it stays as it is', async () => {
    const under = await redisUnderTest();
    try {
      const { callSid } = entry();
      const stored = {
        callSid, stepId: 'big', expectRev: null, ttlMs: 60_000, add: [{ index: 'tier1' as const, score: 1 }], remove: [],
        record: {
          ...entry({ callSid }), state: 'waiting' as const, score: 1, waitingSince: 123_456_789_012_345, agents: [], bridgeFailures: 0,
          callbackDials: 0, callbackAsked: false, seenAt: 1, callerOnLine: true, surveyStarted: false,
        },
      };
      expect(await under.store.apply(stored)).toBe('applied');
      const before = await under.store.read(callSid);
      const terms = claimTerms(under.clock.now(), DEFAULT_HANDOFF_RULES);
      const claims = [{ agentId: 'alice', token: 't', stepId: 's', queues: ['tier1' as const] }];
      expect((await under.store.claim({ terms, claims, candidates: { tier1: [callSid] }, readAhead: 1 })).outcomes).toEqual([
        { kind: 'unclaimable', callSid, reason: 'record.waitingSince = 1.2345678901234e+14' },
      ]);
      expect(await under.store.read(callSid)).toEqual(before);
      expect(await under.store.heldBy('alice')).toBeNull();
    } finally {
      await under.close();
    }
  });
});

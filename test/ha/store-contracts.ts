import { handoffKeys } from '../../src/handoff/record/handoff-keys';
import { RedisHandoffStore } from '../../src/handoff/record/redis-handoff-store';
import { redisLimitStores } from '../../src/limits/limit-stores';
import { createRedisStore } from '../../src/stores';
import { claimContract, type ClaimStoreUnderTest } from '../handoff/record/claim.contract';
import { handoffRecordContract } from '../handoff/record/handoff-records.contract';
import { limitStoresContract } from '../limits/limit-stores.contract';
import { keyValueStoreContract } from '../store/key-value-store.contract';
import { recordStreamContract } from '../store/record-stream.contract';
import { sessionStoreContract } from '../store/session-store.contract';
import { ManualClock } from '../support/manual-clock';
import { deletePrefix, uniquePrefix } from '../support/redis';
import type { RedisClient } from '../../src/store/redis-connection';

const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The store's contract suites (sessions, values, the call records' stream, the limits, the
 * hand-off records and the claim) against a real deployment's client: the same suites the single
 * server and the embedded store pass.
 */
export function storeContracts(name: string, client: () => RedisClient): void {
  let prefix = '';
  const fresh = () => {
    prefix = uniquePrefix(`ha-${name}`);
    return createRedisStore(client(), prefix);
  };
  const cleanup = () => deletePrefix(client(), prefix);

  describe(`sessions (${name})`, () => {
    sessionStoreContract({ elapse: realWait, cleanup, create: async () => fresh().sessions });
  });

  describe(`values (${name})`, () => {
    keyValueStoreContract({ elapse: realWait, cleanup, create: async () => fresh().values });
  });

  describe(`call records' stream (${name})`, () => {
    afterEach(cleanup);
    recordStreamContract(async (maxLen) => createRedisStore(client(), (prefix = uniquePrefix(`ha-${name}`)), maxLen === undefined ? {} : { recordsMaxLen: maxLen }).records);
  });

  describe(`limits (${name})`, () => {
    let clock = new ManualClock();
    limitStoresContract({
      create: async () => {
        clock = new ManualClock();
        prefix = uniquePrefix(`ha-${name}`);
        return redisLimitStores(client(), prefix);
      },
      cleanup,
      now: () => clock.now(),
      advance: (ms) => clock.advance(ms),
    });
  });

  const handoffUnderTest = async (): Promise<ClaimStoreUnderTest> => {
    const own = uniquePrefix(`ha-${name}`);
    const keys = handoffKeys(own);
    const redis = client();
    return {
      store: new RedisHandoffStore(redis, own),
      clock: new ManualClock(),
      ttlOf: async (callSid) => redis.pttl(keys.record(callSid)),
      outlive: async (callSid) => {
        await redis.del(keys.record(callSid));
      },
      close: () => deletePrefix(redis, own),
    };
  };
  handoffRecordContract(name, handoffUnderTest);
  claimContract(name, handoffUnderTest);
}

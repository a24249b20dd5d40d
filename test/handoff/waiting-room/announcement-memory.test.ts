import type { Redis } from 'ioredis';
import { RedisKeyValueStore } from '../../../src/store/redis-key-value-store';
import { MemoryKeyValueStore } from '../../../src/store/memory-key-value-store';
import { redisKeys } from '../../../src/store/redis-keys';
import {
  AnnouncementMemory,
  decideAnnouncement,
  keyValueAnnouncementStore,
  parseRecord,
  type AnnouncementRecord,
  type WaitObservation,
} from '../../../src/handoff/waiting-room/announcement-memory';
import { deletePrefix, testRedis, uniquePrefix } from '../../support/redis';

const MIN = 60_000;
const T0 = 1_773_100_000_000;
const seen = (overrides: Partial<WaitObservation> = {}): WaitObservation => ({
  queue: 'tier1',
  position: 5,
  estimateMs: 10 * MIN,
  agentsServing: 4,
  now: T0,
  ...overrides,
});
const told = (overrides: Partial<AnnouncementRecord> = {}): AnnouncementRecord => ({
  queue: 'tier1',
  position: 5,
  toldMs: 10 * MIN,
  toldAt: T0,
  agentsServing: 4,
  at: T0,
  ...overrides,
});

describe('never worse without a word', () => {
  it('the first announcement says what the model says', () => {
    const decision = decideAnnouncement(null, seen());
    expect(decision.rule).toBe('first');
    expect(decision.announcement).toEqual({ position: 5, estimateMs: 10 * MIN, grown: false });
    expect(decision.record).toEqual(told());
  });

  it('a position that went up (priority caller) is not said: still in line, and the memory keeps the old one', () => {
    const decision = decideAnnouncement(told(), seen({ position: 6, estimateMs: 12 * MIN, now: T0 + MIN }));
    expect(decision.rule).toBe('moved-back');
    expect(decision.announcement).toEqual({ position: null, estimateMs: null, grown: false });
    expect(decision.record).toMatchObject({ position: 5, toldMs: 10 * MIN, toldAt: T0, at: T0 + MIN });
    // Back down to the old position or lower: numbers again.
    const later = decideAnnouncement(decision.record, seen({ position: 5, estimateMs: 9 * MIN, now: T0 + 2 * MIN }));
    expect(later.announcement).toEqual({ position: 5, estimateMs: 9 * MIN, grown: false });
  });

  it('the same or a lower position is said as it is', () => {
    expect(decideAnnouncement(told(), seen({ position: 5, now: T0 + MIN })).announcement.position).toBe(5);
    expect(decideAnnouncement(told(), seen({ position: 2, estimateMs: 4 * MIN, now: T0 + MIN })).announcement).toEqual({
      position: 2,
      estimateMs: 4 * MIN,
      grown: false,
    });
  });

  it('the estimate grows by no more than the time that passed', () => {
    const within = decideAnnouncement(told(), seen({ estimateMs: 11 * MIN, now: T0 + MIN }));
    expect(within.rule).toBe('as-is');
    expect(within.announcement.estimateMs).toBe(11 * MIN);
    const beyond = decideAnnouncement(told(), seen({ estimateMs: 20 * MIN, now: T0 + MIN }));
    expect(beyond.rule).toBe('held');
    expect(beyond.announcement).toEqual({ position: 5, estimateMs: 11 * MIN, grown: false });
    expect(beyond.record).toMatchObject({ toldMs: 11 * MIN, toldAt: T0 + MIN });
  });

  it('unless agents serving the queue decreased: then the new estimate, and the caller is told it grew', () => {
    const decision = decideAnnouncement(told(), seen({ estimateMs: 20 * MIN, agentsServing: 2, now: T0 + MIN }));
    expect(decision.rule).toBe('grown-agents-left');
    expect(decision.announcement).toEqual({ position: 5, estimateMs: 20 * MIN, grown: true });
    expect(decision.record).toMatchObject({ toldMs: 20 * MIN, agentsServing: 2 });
    // More agents does not license a bigger number.
    expect(decideAnnouncement(told(), seen({ estimateMs: 20 * MIN, agentsServing: 6, now: T0 + MIN })).rule).toBe('held');
  });

  it('a shorter estimate is always said', () => {
    expect(decideAnnouncement(told(), seen({ estimateMs: 2 * MIN, now: T0 + MIN })).announcement.estimateMs).toBe(2 * MIN);
  });

  it('no number in between is no loophole: the last number told still bounds the next', () => {
    const none = decideAnnouncement(told(), seen({ estimateMs: null, now: T0 + MIN }));
    expect(none.announcement).toEqual({ position: 5, estimateMs: null, grown: false });
    const next = decideAnnouncement(none.record, seen({ estimateMs: 40 * MIN, now: T0 + 2 * MIN }));
    expect(next.announcement.estimateMs).toBe(12 * MIN);
  });

  it('an escalated caller (another queue) starts afresh', () => {
    const decision = decideAnnouncement(told(), seen({ queue: 'tier2', position: 9, estimateMs: 30 * MIN, now: T0 + MIN }));
    expect(decision.rule).toBe('first');
    expect(decision.announcement).toEqual({ position: 9, estimateMs: 30 * MIN, grown: false });
  });

  it('a stored record that is not ours reads as none', () => {
    expect(parseRecord(null)).toBeNull();
    expect(parseRecord('not json')).toBeNull();
    expect(parseRecord('{"queue":"tier9","position":1,"toldMs":null,"toldAt":null,"agentsServing":null,"at":1}')).toBeNull();
    expect(parseRecord(JSON.stringify(told()))).toEqual(told());
  });
});

describe('the memory on the app KeyValueStore', () => {
  let now = T0;
  const clock = { now: () => now };
  /** One round as the waiting room runs it: recall, decide, remember. */
  const announce = async (memory: AnnouncementMemory, callSid: string, observation: WaitObservation) => {
    const decision = decideAnnouncement(await memory.recall(callSid), observation);
    await memory.remember(callSid, decision.record);
    return decision;
  };

  it('remembers per caller, and forgets after the TTL (embedded store)', async () => {
    const values = new MemoryKeyValueStore(clock);
    const memory = new AnnouncementMemory(keyValueAnnouncementStore(values), 10 * MIN);
    expect((await announce(memory, 'CA-1', seen())).rule).toBe('first');
    expect((await announce(memory, 'CA-2', seen({ position: 9 }))).rule).toBe('first');
    now += MIN;
    expect((await announce(memory, 'CA-1', seen({ position: 7, now }))).rule).toBe('moved-back');
    expect(await values.get('waiting:announced:CA-1')).toContain('"position":5');
    now += 11 * MIN;
    expect((await announce(memory, 'CA-1', seen({ position: 7, now }))).rule).toBe('first');
  });

  describe('on Redis', () => {
    let redis: Redis;
    let prefix: string;
    beforeAll(async () => {
      redis = await testRedis();
      prefix = uniquePrefix('waiting');
    });
    afterAll(async () => {
      await deletePrefix(redis, prefix);
      await redis.quit();
    });

    it('round-trips the record with its TTL', async () => {
      const memory = new AnnouncementMemory(keyValueAnnouncementStore(new RedisKeyValueStore(redis, redisKeys(prefix))), 10 * MIN);
      await announce(memory, 'CA-r', seen());
      const decision = await announce(memory, 'CA-r', seen({ estimateMs: 30 * MIN, now: T0 + MIN }));
      expect(decision.announcement).toEqual({ position: 5, estimateMs: 11 * MIN, grown: false });
      const ttl = await redis.pttl(`${prefix}kv:waiting:announced:CA-r`);
      expect(ttl).toBeGreaterThan(9 * MIN);
      expect(ttl).toBeLessThanOrEqual(10 * MIN);
    });
  });
});

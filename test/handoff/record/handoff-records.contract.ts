import type { IndexName } from '../../../src/handoff/record/handoff-plan';
import type { HandoffEntry, HandoffState } from '../../../src/handoff/record/handoff-record';
import { HandoffRecords, type StepResult } from '../../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../../src/handoff/record/handoff-rules';
import { callbackDue } from '../../../src/handoff/record/transitions/waiting-transitions';
import type { HandoffStore } from '../../../src/handoff/record/handoff-store';
import { ManualClock } from '../../support/manual-clock';

export interface StoreUnderTest {
  store: HandoffStore;
  clock: ManualClock;
  /** Remaining TTL of a record's storage in ms (Redis PTTL), or null where the store has none to show. */
  ttlOf(callSid: string): Promise<number | null>;
  close(): Promise<void>;
}

let seq = 0;
export function entry(overrides: Partial<HandoffEntry> = {}): HandoffEntry {
  seq += 1;
  return {
    callSid: `CA${String(seq).padStart(32, '0')}`,
    from: '+8613800000001',
    dialable: true,
    language: 'zh-CN',
    identityLevel: 1,
    walletId: 'W-1',
    intent: 'transaction.failed',
    priority: 'normal',
    queue: 'tier1',
    enqueuedAt: 1_764_000_000_000 + seq,
    ...overrides,
  };
}

type Setup = (records: HandoffRecords) => Promise<{ callSid: string; token?: string }>;

/** A record brought to each state by the steps a real call takes. */
const REACH: Record<HandoffState, Setup> = {
  waiting: async (records) => ({ callSid: (await records.enqueue(entry())).record.callSid }),
  'callback-waiting': async (records) => {
    const { callSid } = await REACH.waiting(records);
    await records.requestCallback(callSid, Date.now() + 86_400_000);
    return { callSid };
  },
  offered: async (records) => {
    const { callSid } = await REACH.waiting(records);
    return claimed(records, callSid);
  },
  'callback-dialling': async (records) => {
    const { callSid } = await REACH['callback-waiting'](records);
    return claimed(records, callSid);
  },
  connected: async (records) => {
    const offered = await REACH.offered(records);
    await records.answered(offered.callSid, offered.token!);
    return offered;
  },
  ended: async (records) => {
    const connected = await REACH.connected(records);
    await records.callerHungUp(connected.callSid);
    return connected;
  },
  closed: async (records) => {
    const { callSid } = await REACH.waiting(records);
    await records.callerHungUp(callSid);
    return { callSid };
  },
};

async function claimed(records: HandoffRecords, callSid: string) {
  const claim = await records.claim('alice', ['tier1']);
  if (claim.kind !== 'claimed' || claim.record.callSid !== callSid) throw new Error(`setup claim failed: ${JSON.stringify(claim)}`);
  return { callSid, token: claim.token };
}

type Attempt = (records: HandoffRecords, call: { callSid: string; token?: string }) => Promise<StepResult>;

const STEPS: Record<string, Attempt> = {
  heartbeat: (r, c) => r.heartbeat(c.callSid),
  requestCallback: (r, c) => r.requestCallback(c.callSid, Date.now() + 86_400_000),
  callerHungUp: (r, c) => r.callerHungUp(c.callSid),
  answered: (r, c) => r.answered(c.callSid, c.token ?? 'no-token'),
  answeredStaleToken: (r, c) => r.answered(c.callSid, 'stale-token'),
  bridgeFailedTransient: (r, c) => r.bridgeFailed(c.callSid, c.token ?? 'no-token', false),
  bridgeFailedTerminal: (r, c) => r.bridgeFailed(c.callSid, c.token ?? 'no-token', true),
  agentHungUp: (r, c) => r.agentHungUp(c.callSid, 'alice'),
  escalate: (r, c) => r.escalate(c.callSid, 'alice', 'needs tier 2'),
  wrapUp: (r, c) => r.wrapUp(c.callSid, { agentId: 'alice', note: 'done', resolved: true }),
  wrapUpByAnother: (r, c) => r.wrapUp(c.callSid, { agentId: 'bob', note: 'mine?', resolved: true }),
  surveyStarted: (r, c) => r.surveyStarted(c.callSid),
  surveyAnswered: (r, c) => r.surveyAnswered(c.callSid, 4),
};

/** What each step does from each state: the state after it, or `null` = refused, nothing changed. */
const TABLE: Record<HandoffState, Partial<Record<keyof typeof STEPS, HandoffState>>> = {
  waiting: { heartbeat: 'waiting', requestCallback: 'callback-waiting', callerHungUp: 'closed' },
  'callback-waiting': {},
  offered: { callerHungUp: 'closed', answered: 'connected', bridgeFailedTransient: 'waiting', bridgeFailedTerminal: 'closed' },
  'callback-dialling': { answered: 'connected', bridgeFailedTransient: 'callback-waiting', bridgeFailedTerminal: 'closed' },
  connected: { callerHungUp: 'ended', agentHungUp: 'ended', escalate: 'waiting', wrapUp: 'closed' },
  ended: { wrapUp: 'closed', surveyStarted: 'ended', surveyAnswered: 'ended' },
  closed: { surveyStarted: 'closed', surveyAnswered: 'closed' },
};

/** Where a record of each state is indexed, and whether its agent is held. */
const INDEXED: Record<HandoffState, IndexName[]> = {
  waiting: ['tier1', 'heartbeats'],
  'callback-waiting': ['tier1', 'expiries'],
  offered: ['leases'],
  'callback-dialling': ['leases', 'expiries'],
  connected: [],
  ended: [],
  closed: [],
};
/** Where a step leaves the record indexed differently from other records of its new state. */
const SPECIAL_INDEXES: Record<string, IndexName[]> = {
  // Escalated: at the front of tier2.
  'connected:escalate': ['tier2', 'heartbeats'],
  // A callback that failed waits out of the queue until its retry is due.
  'callback-dialling:bridgeFailedTransient': ['retries', 'expiries'],
};
const HELD: ReadonlySet<HandoffState> = new Set(['offered', 'callback-dialling', 'connected']);

export function handoffRecordContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`hand-off records (${name})`, () => {
    let under: StoreUnderTest;
    let records: HandoffRecords;
    beforeEach(async () => {
      under = await open();
      records = new HandoffRecords(under.store, DEFAULT_HANDOFF_RULES, under.clock);
    });
    afterEach(() => under.close());

    /** Everything a step may change: the record and its revision, its indexes, the agent's key. */
    const snapshot = async (callSid: string) => ({
      stored: await under.store.read(callSid),
      indexes: await under.store.memberships(callSid),
      held: await under.store.heldBy('alice'),
    });

    describe.each(Object.keys(REACH) as HandoffState[])('from %s', (state) => {
      it('is reached with the indexes and the agent key it should have', async () => {
        const call = await REACH[state](records);
        const { stored, indexes, held } = await snapshot(call.callSid);
        expect(stored?.record.state).toBe(state);
        expect(Object.keys(indexes).sort()).toEqual([...INDEXED[state]].sort());
        expect(held).toBe(HELD.has(state) ? call.callSid : null);
      });

      it.each(Object.keys(STEPS))('%s', async (stepName) => {
        const call = await REACH[state](records);
        const before = await snapshot(call.callSid);
        const result = await STEPS[stepName]!(records, call);
        const after = await snapshot(call.callSid);
        const expected = TABLE[state][stepName];
        if (expected === undefined) {
          expect(result.kind).toBe('refused');
          expect(after).toEqual(before);
          return;
        }
        expect(result.kind).toBe('done');
        expect(after.stored!.record.state).toBe(expected);
        expect(after.stored!.rev).toBe(before.stored!.rev + 1);
        const expectedIndexes = SPECIAL_INDEXES[`${state}:${stepName}`] ?? INDEXED[expected];
        expect(Object.keys(after.indexes).sort()).toEqual([...expectedIndexes].sort());
        expect(after.held).toBe(HELD.has(expected) ? call.callSid : null);
      });
    });

    it('one caller per agent: a claim while holding a call is refused inside the step', async () => {
      const first = await records.enqueue(entry());
      await records.enqueue(entry());
      const claim = await records.claim('alice', ['tier1']);
      expect(claim).toMatchObject({ kind: 'claimed', record: { callSid: first.record.callSid } });
      expect(await records.claim('alice', ['tier1'])).toEqual({ kind: 'busy', callSid: first.record.callSid });
      expect(await under.store.depth('tier1')).toBe(1);
    });

    it('tells in one read which agents hold a call', async () => {
      for (let i = 0; i < 3; i++) await records.enqueue(entry());
      await records.claim('alice', ['tier1']);
      await records.claim('bob', ['tier1']);
      expect(await under.store.holding(['alice', 'bob', 'carol'])).toEqual(['alice', 'bob']);
      expect(await under.store.holding([])).toEqual([]);
    });

    it('concurrent claims by one agent: exactly one caller, the others busy', async () => {
      for (let i = 0; i < 5; i++) await records.enqueue(entry());
      const results = await Promise.all(Array.from({ length: 8 }, () => records.claim('alice', ['tier1'])));
      expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'busy')).toHaveLength(7);
      expect(await under.store.depth('tier1')).toBe(4);
    });

    it('concurrent claims by many agents: every caller to exactly one agent, in order', async () => {
      const queued = [];
      for (let i = 0; i < 10; i++) queued.push((await records.enqueue(entry())).record.callSid);
      const agents = Array.from({ length: 10 }, (_, i) => `agent-${i}`);
      const results = await Promise.all(agents.map((agent) => records.claim(agent, ['tier1'])));
      const taken = results.map((r) => (r.kind === 'claimed' ? r.record.callSid : null));
      expect(taken.filter(Boolean).sort()).toEqual([...queued].sort());
    });

    it('a transient failure goes to the very front at most BRIDGE_RETRIES times, then back to its own place', async () => {
      const first = (await records.enqueue(entry())).record.callSid;
      const second = (await records.enqueue(entry())).record.callSid;
      for (let failure = 1; failure <= DEFAULT_HANDOFF_RULES.bridgeRetries + 1; failure++) {
        const claim = await records.claim('alice', ['tier1']);
        if (claim.kind !== 'claimed') throw new Error('expected a claim');
        expect(claim.record.callSid).toBe(first);
        await records.bridgeFailed(first, claim.token, false);
        under.clock.advance(1000);
      }
      // Its own place is still before the later caller (it came first), so it keeps that place: not ahead of anyone unfairly.
      const list = (await records.list('tier1')).map((r) => r.callSid);
      expect(list).toEqual([first, second]);
      expect((await records.get(first))!.bridgeFailures).toBe(DEFAULT_HANDOFF_RULES.bridgeRetries + 1);
    });

    it('a caller who keeps failing is not ahead of an earlier caller once the retries are used', async () => {
      const early = (await records.enqueue(entry({ priority: 'urgent' }))).record.callSid;
      await records.requestCallback(early, Date.now() + 86_400_000);
      const late = (await records.enqueue(entry())).record.callSid;
      // `late` fails more than BRIDGE_RETRIES times: it then goes back behind the urgent caller.
      await records.claim('x', ['tier1']); // takes `early` (callback)
      for (let failure = 1; failure <= DEFAULT_HANDOFF_RULES.bridgeRetries + 1; failure++) {
        const claim = await records.claim(`agent-${failure}`, ['tier1']);
        if (claim.kind !== 'claimed') throw new Error('expected a claim');
        await records.bridgeFailed(claim.record.callSid, claim.token, false);
        under.clock.advance(1000);
      }
      expect((await records.get(late))!.score).toBeGreaterThan((await records.get(early))!.score);
    });

    it('a terminal failure closes the record at once: nobody else gets the caller', async () => {
      const { record } = await records.enqueue(entry());
      const claim = await records.claim('alice', ['tier1']);
      if (claim.kind !== 'claimed') throw new Error('expected a claim');
      expect((await records.bridgeFailed(record.callSid, claim.token, true)).kind).toBe('done');
      expect(await records.get(record.callSid)).toMatchObject({ state: 'closed', endReason: 'bridge-refused' });
      expect(await records.claim('bob', ['tier1'])).toEqual({ kind: 'nobody-waiting' });
    });

    it('a callback is dialled at most CALLBACK_ATTEMPTS times, then closed as callback-failed', async () => {
      const { record } = await records.enqueue(entry());
      await records.requestCallback(record.callSid, Date.now() + 86_400_000);
      for (let dial = 1; dial <= DEFAULT_HANDOFF_RULES.callbackAttempts; dial++) {
        const claim = await records.claim('alice', ['tier1']);
        if (claim.kind !== 'claimed') throw new Error(`dial ${dial}: expected a claim`);
        expect(claim.record).toMatchObject({ state: 'callback-dialling', callbackDials: dial });
        await records.bridgeFailed(record.callSid, claim.token, false);
        if (dial < DEFAULT_HANDOFF_RULES.callbackAttempts) {
          expect(await records.claim('alice', ['tier1'])).toEqual({ kind: 'nobody-waiting' });
          under.clock.advance(DEFAULT_HANDOFF_RULES.callbackRetryMs);
          await dueRetry(records, under, record.callSid);
        }
      }
      expect(await records.get(record.callSid)).toMatchObject({ state: 'closed', endReason: 'callback-failed' });
    });

    it('escalation and wrap-up of one call at the same moment: exactly one wins', async () => {
      const connected = await REACH.connected(records);
      const [escalated, wrapped] = await Promise.all([
        records.escalate(connected.callSid, 'alice', 'fraud'),
        records.wrapUp(connected.callSid, { agentId: 'alice', note: 'done', resolved: true }),
      ]);
      expect([escalated.kind, wrapped.kind].sort()).toEqual(['done', 'refused']);
    });

    it('wrap-up is accepted after the call ended, within the window, and not after it', async () => {
      const inWindow = await REACH.ended(records);
      under.clock.advance(DEFAULT_HANDOFF_RULES.wrapUpWindowMs);
      expect((await records.wrapUp(inWindow.callSid, { agentId: 'alice', note: 'late but in time', resolved: false })).kind).toBe('done');
      expect(await records.get(inWindow.callSid)).toMatchObject({ state: 'closed', wrapUp: { note: 'late but in time' } });
      const tooLate = await REACH.ended(records);
      under.clock.advance(DEFAULT_HANDOFF_RULES.wrapUpWindowMs + 1);
      expect(await records.wrapUp(tooLate.callSid, { agentId: 'alice', note: 'too late', resolved: true })).toMatchObject({ kind: 'refused' });
    });

    it('a re-sent step (same step id, e.g. after a reconnect) is applied once', async () => {
      const { record } = await records.enqueue(entry());
      const stored = (await under.store.read(record.callSid))!;
      const plan = {
        callSid: record.callSid,
        stepId: 'step-once',
        expectRev: stored.rev,
        record: { ...stored.record, seenAt: stored.record.seenAt + 1 },
        add: [],
        remove: [],
      };
      expect(await under.store.apply(plan)).toBe('applied');
      expect(await under.store.apply(plan)).toBe('duplicate');
      expect((await under.store.read(record.callSid))!.rev).toBe(stored.rev + 1);
    });

    it('sets every record\'s TTL once, at creation: later steps do not re-arm it', async () => {
      const { record } = await records.enqueue(entry());
      const first = await under.ttlOf(record.callSid);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await records.heartbeat(record.callSid);
      await records.requestCallback(record.callSid, Date.now() + 86_400_000);
      const later = await under.ttlOf(record.callSid);
      if (first === null || later === null) {
        under.clock.advance(DEFAULT_HANDOFF_RULES.recordTtlMs);
        expect(await records.get(record.callSid)).toBeNull();
        return;
      }
      expect(first).toBeGreaterThan(DEFAULT_HANDOFF_RULES.recordTtlMs - 5000);
      expect(later).toBeLessThan(first);
    });
  });
}

async function dueRetry(records: HandoffRecords, under: StoreUnderTest, callSid: string) {
  const results = await records.dueSteps('retries', under.clock.now(), 10, (stored) => callbackDue(stored, under.clock.now(), `due-${Math.random()}`));
  expect(results.some((r) => r.kind === 'done' && r.record.callSid === callSid)).toBe(true);
}

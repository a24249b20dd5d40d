import type { Tier } from '../../../flows/vocabulary';
import type { ClaimBatch, ClaimOutcome, ClaimRequest, IndexName, Plan } from '../../../src/handoff/record/handoff-plan';
import type { StoredRecord } from '../../../src/handoff/record/handoff-record';
import { HandoffRecords } from '../../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../../src/handoff/record/handoff-rules';
import { claim, claimTerms } from '../../../src/handoff/record/transitions/agent-transitions';
import { callbackDue } from '../../../src/handoff/record/transitions/waiting-transitions';
import { isRefusal } from '../../../src/handoff/record/transitions/transition';
import { entry, type StoreUnderTest } from './handoff-records.contract';

export interface ClaimStoreUnderTest extends StoreUnderTest {
  /** Lets a record's TTL pass as the store would (records created at least a second later stay). */
  outlive(callSid: string): Promise<void>;
}

/** The indexes after a plan, from those before it: what the store must have written. */
function indexesAfter(before: Partial<Record<IndexName, number>>, plan: Plan): Partial<Record<IndexName, number>> {
  const after = { ...before };
  for (const name of plan.remove) delete after[name];
  for (const { index, score } of plan.add) after[index] = score;
  return after;
}

/**
 * The claim: one atomic operation of the store (lua/claim-5+n.lua in Redis) that picks the head and
 * writes what the pure transition `claim` computes. Run against both stores.
 */
export function claimContract(name: string, open: () => Promise<ClaimStoreUnderTest>): void {
  describe(`the claim (${name})`, () => {
    let under: ClaimStoreUnderTest;
    let records: HandoffRecords;
    let steps = 0;
    beforeEach(async () => {
      under = await open();
      records = new HandoffRecords(under.store, DEFAULT_HANDOFF_RULES, under.clock);
    });
    afterEach(() => under.close());

    const waiting = async (queue: Tier) => (await records.list(queue)).map((record) => record.callSid);
    /** One claim, with every caller waiting now as a candidate. */
    const request = async (agentId: string, queues: Tier[]): Promise<ClaimBatch> => {
      steps += 1;
      return {
        terms: claimTerms(under.clock.now(), DEFAULT_HANDOFF_RULES),
        claims: [{ agentId, token: `token-${agentId}`, stepId: `claim-step-${steps}`, queues }],
        candidates: { tier1: await waiting('tier1'), tier2: await waiting('tier2') },
        readAhead: 8,
      };
    };
    const claimOne = async (batch: ClaimBatch): Promise<ClaimOutcome> => {
      const { outcomes } = await under.store.claim(batch);
      expect(outcomes).toHaveLength(1);
      return outcomes[0]!;
    };

    /** Claims through the store and checks that it wrote exactly what the pure transition computes. */
    const claimsAsTheTransition = async (agentId: string, queues: Tier[], callSid: string): Promise<StoredRecord> => {
      const before = (await under.store.read(callSid))!;
      const indexesBefore = await under.store.memberships(callSid);
      const asked = await request(agentId, queues);
      const expected = claim(before, asked.terms, asked.claims[0]!, asked.claims[0]!.stepId);
      if (isRefusal(expected)) throw new Error(`the transition refuses: ${JSON.stringify(expected)}`);
      const outcome = await claimOne(asked);
      const after = (await under.store.read(callSid))!;
      expect(outcome).toEqual({ kind: 'claimed', stored: after });
      expect(after).toEqual({ record: expected.record, rev: before.rev + 1 });
      expect(await under.store.memberships(callSid)).toEqual(indexesAfter(indexesBefore, expected));
      expect(await under.store.heldBy(agentId)).toBe(callSid);
      return after;
    };

    it('writes the record the pure transition computes: a waiting caller, urgent (the largest scores), text that JSON escapes', async () => {
      const { record } = await records.enqueue(entry({ priority: 'urgent', subject: { kind: 'case', id: 'C/2026 "案件" \\ 7' }, walletId: 'W/中文' }));
      const after = await claimsAsTheTransition('alice', ['tier1'], record.callSid);
      expect(after.record).toMatchObject({ state: 'offered', agentId: 'alice', agents: ['alice'], token: 'token-alice' });
    });

    it('writes the record the pure transition computes: a callback request dialled again, by an agent who held it before', async () => {
      const { record } = await records.enqueue(entry());
      await records.requestCallback(record.callSid, under.clock.now() + 86_400_000);
      const first = await records.claim('alice', ['tier1']);
      if (first.kind !== 'claimed') throw new Error('expected a claim');
      await records.bridgeFailed(record.callSid, first.token, false);
      under.clock.advance(DEFAULT_HANDOFF_RULES.callbackRetryMs);
      await records.run(record.callSid, (stored) => callbackDue(stored, under.clock.now(), 'due'));
      const after = await claimsAsTheTransition('alice', ['tier1'], record.callSid);
      expect(after.record).toMatchObject({ state: 'callback-dialling', agents: ['alice'], callbackDials: 2 });
    });

    it('writes the record the pure transition computes: an escalated caller with a note, taken by a tier2 agent', async () => {
      const { record } = await records.enqueue(entry());
      const first = await records.claim('alice', ['tier1']);
      if (first.kind !== 'claimed') throw new Error('expected a claim');
      await records.answered(record.callSid, first.token);
      await records.escalate(record.callSid, 'alice', '疑似欺诈 / fraud? "urgent"');
      await records.enqueue(entry());
      const after = await claimsAsTheTransition('bob', ['tier2', 'tier1'], record.callSid);
      expect(after.record).toMatchObject({ state: 'offered', queue: 'tier2', agents: ['alice', 'bob'], note: '疑似欺诈 / fraud? "urgent"' });
    });

    it('takes the first non-empty queue in the agent\'s order: tier2 first for a tier2 agent', async () => {
      const tier1 = (await records.enqueue(entry({ queue: 'tier1', priority: 'urgent' }))).record.callSid;
      const tier2 = (await records.enqueue(entry({ queue: 'tier2' }))).record.callSid;
      expect(await claimOne(await request('bob', ['tier2', 'tier1']))).toMatchObject({ kind: 'claimed', stored: { record: { callSid: tier2 } } });
      expect(await claimOne(await request('carol', ['tier2', 'tier1']))).toMatchObject({ kind: 'claimed', stored: { record: { callSid: tier1 } } });
      expect(await claimOne(await request('dave', ['tier2', 'tier1']))).toEqual({ kind: 'empty' });
    });

    it('takes the head only if it was read: a head that changed since refuses the claim and changes nothing', async () => {
      const first = (await records.enqueue(entry())).record.callSid;
      const asked = await request('alice', ['tier1']);
      const urgent = (await records.enqueue(entry({ priority: 'urgent' }))).record.callSid;
      const before = [await under.store.read(first), await under.store.read(urgent), await under.store.heldBy('alice')];
      expect(await claimOne(asked)).toEqual({ kind: 'not-head' });
      expect([await under.store.read(first), await under.store.read(urgent), await under.store.heldBy('alice')]).toEqual(before);
      expect(await records.claim('alice', ['tier1'])).toMatchObject({ kind: 'claimed', record: { callSid: urgent } });
    });

    it('one caller per agent inside the claim: refused with the call the agent holds, nothing changed', async () => {
      const held = (await records.enqueue(entry())).record.callSid;
      const next = (await records.enqueue(entry())).record.callSid;
      await records.claim('alice', ['tier1']);
      const before = await under.store.read(next);
      expect(await claimOne(await request('alice', ['tier1']))).toEqual({ kind: 'busy', callSid: held });
      expect(await under.store.read(next)).toEqual(before);
      expect(await under.store.rank('tier1', next)).toEqual({ position: 1, size: 1 });
    });

    it('a re-sent claim (the same step id, after a reconnect) is recognised and applied once', async () => {
      const first = (await records.enqueue(entry())).record.callSid;
      const second = (await records.enqueue(entry())).record.callSid;
      const asked = await request('alice', ['tier1']);
      expect(await claimOne(asked)).toMatchObject({ kind: 'claimed', stored: { record: { callSid: first }, rev: 2 } });
      expect(await claimOne(asked)).toEqual({ kind: 'duplicate', callSid: first });
      expect((await under.store.read(first))!.rev).toBe(2);
      expect(await under.store.rank('tier1', second)).toEqual({ position: 1, size: 1 });
    });

    it('drops a member whose record expired and takes the caller behind it', async () => {
      const gone = (await records.enqueue(entry())).record.callSid;
      under.clock.advance(1000);
      const next = (await records.enqueue(entry())).record.callSid;
      const asked = await request('alice', ['tier1']);
      await under.outlive(gone);
      expect(await claimOne(asked)).toMatchObject({ kind: 'claimed', stored: { record: { callSid: next } } });
      expect(await under.store.memberships(gone)).not.toHaveProperty('tier1');
    });

    it('claims at the same moment take the callers in queue order, each once, without a second read', async () => {
      const queued: string[] = [];
      for (let i = 0; i < 12; i++) queued.push((await records.enqueue(entry())).record.callSid);
      const asked = (agent: number): ClaimRequest => ({ agentId: `agent-${agent}`, token: `t-${agent}`, stepId: `same-moment-${agent}`, queues: ['tier1'] });
      const batch = (claims: ClaimRequest[]): ClaimBatch => ({ terms: claimTerms(under.clock.now(), DEFAULT_HANDOFF_RULES), claims, candidates: { tier1: queued }, readAhead: 3 });
      // Two batches sent at once, as two instances would, on candidates read before either ran.
      const [first, second] = await Promise.all([under.store.claim(batch([0, 1, 2, 3].map(asked))), under.store.claim(batch([4, 5, 6, 7, 8, 9].map(asked)))]);
      const taken = [...first.outcomes, ...second.outcomes].map((outcome) => (outcome.kind === 'claimed' ? outcome.stored.record.callSid : outcome.kind));
      expect(taken).toEqual(queued.slice(0, 10));
      expect(await waiting('tier1')).toEqual(queued.slice(10));
      // Each answer holds the first callers it left: the next batch's candidates.
      expect(first.heads).toEqual({ tier1: queued.slice(4, 7), tier2: [] });
      expect(second.heads).toEqual({ tier1: queued.slice(10), tier2: [] });
    });

    it('a batch is claim after claim: two claims of one agent in it take one caller; a re-sent batch is applied once', async () => {
      const queued: string[] = [];
      for (let i = 0; i < 3; i++) queued.push((await records.enqueue(entry())).record.callSid);
      const asked = (agentId: string, step: string): ClaimRequest => ({ agentId, token: step, stepId: step, queues: ['tier1'] });
      const batch: ClaimBatch = {
        terms: claimTerms(under.clock.now(), DEFAULT_HANDOFF_RULES),
        claims: [asked('alice', 'a1'), asked('alice', 'a2'), asked('bob', 'b1')],
        candidates: { tier1: queued },
        readAhead: 8,
      };
      const { outcomes } = await under.store.claim(batch);
      expect(outcomes.map((outcome) => outcome.kind)).toEqual(['claimed', 'busy', 'claimed']);
      expect(outcomes[1]).toEqual({ kind: 'busy', callSid: queued[0] });
      expect((await under.store.claim(batch)).outcomes).toEqual([
        { kind: 'duplicate', callSid: queued[0] },
        { kind: 'busy', callSid: queued[0] },
        { kind: 'duplicate', callSid: queued[1] },
      ]);
      expect((await under.store.read(queued[0]!))!.rev).toBe(2);
      expect((await records.list('tier1')).map((record) => record.callSid)).toEqual([queued[2]]);
    });

    it('instances with out-of-date heads (claims elsewhere, a caller put at the front) still take the head, in queue order', async () => {
      const other = new HandoffRecords(under.store, DEFAULT_HANDOFF_RULES, under.clock);
      const queued: string[] = [];
      for (let i = 0; i < 5; i++) queued.push((await records.enqueue(entry())).record.callSid);
      const taken = async (instance: HandoffRecords, agentId: string) => {
        const result = await instance.claim(agentId, ['tier2', 'tier1']);
        return result.kind === 'claimed' ? result.record.callSid : result.kind;
      };
      expect(await taken(records, 'a1')).toBe(queued[0]);
      expect(await taken(other, 'b1')).toBe(queued[1]);
      expect(await taken(records, 'a2')).toBe(queued[2]);
      const urgent = (await records.enqueue(entry({ priority: 'urgent' }))).record.callSid;
      const escalated = (await records.enqueue(entry({ queue: 'tier2' }))).record.callSid;
      expect(await taken(other, 'b2')).toBe(escalated);
      expect(await taken(records, 'a3')).toBe(urgent);
      expect(await taken(other, 'b3')).toBe(queued[3]);
      expect(await taken(records, 'a4')).toBe(queued[4]);
      expect(await taken(other, 'b4')).toBe('nobody-waiting');
    });

    it('a crowd larger than a batch on one instance: every claim served, each caller once, the first ones taken', async () => {
      for (let i = 0; i < 90; i++) await records.enqueue(entry({ priority: i % 3 === 0 ? 'urgent' : 'normal' }));
      const order = (await records.list('tier1')).map((record) => record.callSid);
      const results = await Promise.all(Array.from({ length: 80 }, (_, i) => records.claim(`crowd-${i}`, ['tier2', 'tier1'])));
      const taken = results.map((result) => (result.kind === 'claimed' ? result.record.callSid : result.kind));
      expect([...taken].sort()).toEqual([...order.slice(0, 80)].sort());
      expect(await waiting('tier1')).toEqual(order.slice(80));
      for (const [i, result] of results.entries()) expect(await records.heldBy(`crowd-${i}`)).toBe(result.kind === 'claimed' ? result.record.callSid : null);
    });

    it('refuses a claim\'s plan in apply: a claim goes through the store\'s claim', async () => {
      const { record } = await records.enqueue(entry());
      const stored = (await under.store.read(record.callSid))!;
      const plan = claim(stored, claimTerms(under.clock.now(), DEFAULT_HANDOFF_RULES), { agentId: 'alice', token: 't' }, 'sneaky');
      await expect(under.store.apply(plan as Plan)).rejects.toThrow(/claim/);
      expect(await under.store.read(record.callSid)).toEqual(stored);
    });
  });
}

import fc from 'fast-check';
import { CallRecordsDb } from '../../src/records/call-records-db';
import { dailyReport } from '../../src/records/daily-report';
import type { RecordFact } from '../../src/records/record-facts';
import { loadMigrations, migrate } from '../../src/records/sql/migrations';
import type { TestDatabase } from '../support/postgres';
import { callFactOf, handoffFactOf, sid, T0 } from './record-facts';

const DAY = 86_400_000;

/**
 * What the call records' database must do on PostgreSQL and on the embedded pglite alike: the
 * same migrations, facts merged by callSid whatever their order and however often they come, the
 * outcome of each kind of call, a caller's history, hourly waits and retention.
 */
export function callRecordsDbContract(open: () => Promise<TestDatabase>): void {
  let database: TestDatabase;
  let records: CallRecordsDb;

  beforeAll(async () => {
    database = await open();
    await migrate(database.db);
    records = new CallRecordsDb(database.db);
  }, 60_000);
  afterAll(() => database.drop(), 30_000);

  describe('migrations', () => {
    it('are applied once: a second start (or several at once) applies nothing again', async () => {
      const again = await Promise.all([migrate(database.db), migrate(database.db), migrate(database.db)]);
      expect(again).toEqual([[], [], []]);
      const applied = await database.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(applied.map((row) => row.version)).toEqual(loadMigrations().map((m) => m.version));
    });

    it('rolls a failing migration back whole and reports it', async () => {
      const broken = [{ version: 999, name: 'broken', sql: 'CREATE TABLE half_done (x int); SELECT no_such_column FROM half_done;' }];
      await expect(migrate(database.db, broken)).rejects.toThrow(/migration 999_broken failed/);
      const tables = await database.db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
      expect(tables).toHaveLength(0);
      expect(await database.db.query('SELECT 1 FROM schema_migrations WHERE version = 999')).toHaveLength(0);
    });
  });

  describe('merging facts', () => {
    it('a self-served call: contained, with the journey and what the IVR did', async () => {
      const callSid = sid();
      const selfService = [{ kind: 'sms.steps', at: new Date(T0).toISOString(), detail: 'techSupport.app' }];
      await records.write([callFactOf(callSid, { selfService, identityLevel: 1, walletId: 'w-1' })]);
      expect(await records.get(callSid)).toMatchObject({
        callSid,
        caller: '+86*****0001',
        startedAt: new Date(T0),
        endedAt: new Date(T0 + 90_000),
        language: 'zh-CN',
        journey: ['main', 'techSupport'],
        identityLevel: 1,
        selfService,
        outcome: 'contained',
        queue: null,
        waitedSeconds: null,
      });
    });

    it.each([
      ['overflow', { ivrOutcome: 'overflow' as const }, undefined],
      ['abandoned', { ivrOutcome: 'abandoned' as const }, undefined],
      ['agent', { ivrOutcome: 'handoff' as const }, { outcome: 'agent' as const, waitedSeconds: 40, agentId: 'bob', talkSeconds: 120 }],
      ['abandoned', { ivrOutcome: 'handoff' as const }, { outcome: 'abandoned' as const, waitedSeconds: 25 }],
      ['callback', { ivrOutcome: 'abandoned' as const }, { outcome: 'callback' as const, callbackAsked: true, agentId: 'alice' }],
      ['callback-failed', { ivrOutcome: 'handoff' as const }, { outcome: 'callback-failed' as const, callbackAsked: true }],
    ])('outcome %s from the session and the hand-off', async (outcome, call, handoff) => {
      const callSid = sid();
      const facts: RecordFact[] = [callFactOf(callSid, call)];
      if (handoff) facts.push(handoffFactOf(callSid, { rev: 5, ...handoff }));
      await records.write(facts);
      expect((await records.get(callSid))?.outcome).toBe(outcome);
    });

    it('a hand-off still going on has no outcome yet, whatever the session said', async () => {
      const callSid = sid();
      await records.write([callFactOf(callSid, { ivrOutcome: 'abandoned' }), handoffFactOf(callSid, { callbackAsked: true })]);
      expect((await records.get(callSid))?.outcome).toBeNull();
    });

    it('completes a record step by step (hang-up, wrap-up later, survey), in any order, any number of times', async () => {
      const callSid = sid();
      const talked = { waitedSeconds: 40, agentId: 'bob', talkSeconds: 120, outcome: 'agent' as const, endedAt: T0 + 190_000 };
      const wrapUp = { note: '已退款，客户满意，"引号",逗号', resolved: true, at: T0 + 3_600_000 };
      const steps: RecordFact[] = [
        handoffFactOf(callSid, { rev: 1 }),
        handoffFactOf(callSid, { rev: 3, waitedSeconds: 40, agentId: 'bob' }),
        callFactOf(callSid, { rev: 7, ivrOutcome: 'handoff', intent: 'transaction.failed', identityLevel: 1, walletId: 'w-1' }),
        handoffFactOf(callSid, { rev: 4, ...talked }),
        handoffFactOf(callSid, { rev: 5, ...talked, wrapUp }),
        handoffFactOf(callSid, { rev: 6, ...talked, wrapUp, survey: 5 }),
      ];
      const expected = {
        callSid,
        outcome: 'agent',
        intent: 'transaction.failed',
        identityLevel: 1,
        startedAt: new Date(T0),
        endedAt: new Date(T0 + 90_000),
        queue: 'tier1',
        waitedSeconds: 40,
        agentId: 'bob',
        talkSeconds: 120,
        wrapUpNote: '已退款，客户满意，"引号",逗号',
        wrapUpResolved: true,
        wrapUpAt: new Date(T0 + 3_600_000),
        survey: 5,
      };
      // Every order, with duplicates, in batches of any size: the same record.
      await fc.assert(
        fc.asyncProperty(fc.shuffledSubarray([...steps, ...steps], { minLength: steps.length * 2 }), fc.integer({ min: 1, max: 4 }), async (order, batch) => {
          await database.db.query('DELETE FROM call_records WHERE call_sid = $1', [callSid]);
          for (let i = 0; i < order.length; i += batch) await records.write(order.slice(i, i + batch));
          expect(await records.get(callSid)).toMatchObject(expected);
        }),
        { numRuns: 12, seed: 20261201 },
      );
    });

    it('a hand-off record without the session part still gives a whole record', async () => {
      const callSid = sid();
      await records.write([handoffFactOf(callSid, { rev: 4, outcome: 'abandoned', waitedSeconds: 12, endedAt: T0 + 42_000 })]);
      expect(await records.get(callSid)).toMatchObject({ outcome: 'abandoned', startedAt: new Date(T0 + 30_000), endedAt: new Date(T0 + 42_000) });
    });
  });

  describe('history', () => {
    it("finds a caller's earlier calls by wallet or by number, newest first, not the current one, within the window", async () => {
      const wallet = `w-${sid()}`;
      const number = `+86139${String(Date.now()).slice(-8)}`;
      const now = T0 + 40 * DAY;
      const [current, older, newer, tooOld, other] = [sid(), sid(), sid(), sid(), sid()];
      await records.write([
        callFactOf(current, { walletId: wallet, callerNumber: number, startedAt: now }),
        callFactOf(older, { walletId: wallet, startedAt: now - 5 * DAY, intent: 'fraud.freeze', ivrOutcome: 'handoff' }),
        handoffFactOf(older, { rev: 9, outcome: 'agent', agentId: 'carol', wrapUp: { note: '冻结后解冻', resolved: true, at: now - 5 * DAY } }),
        callFactOf(newer, { callerNumber: number, startedAt: now - DAY }),
        callFactOf(tooOld, { walletId: wallet, callerNumber: number, startedAt: now - 31 * DAY }),
        callFactOf(other, { walletId: 'someone-else', callerNumber: '+8613912345678', startedAt: now - DAY }),
      ]);
      const since = now - 30 * DAY;
      expect(await records.history({ walletId: wallet }, current, since, 5)).toEqual([
        { callSid: older, startedAt: new Date(now - 5 * DAY), intent: 'fraud.freeze', outcome: 'agent', note: '冻结后解冻' },
      ]);
      expect((await records.history({ callerNumber: number }, current, since, 5)).map((row) => row.callSid)).toEqual([newer]);
    });

    it('gives at most the limit asked for', async () => {
      const wallet = `w-${sid()}`;
      const calls = Array.from({ length: 8 }, (_, i) => callFactOf(sid(), { walletId: wallet, startedAt: T0 + i * 60_000 }));
      await records.write(calls);
      const found = await records.history({ walletId: wallet }, 'CAnone', T0 - DAY, 5);
      expect(found.map((row) => row.callSid)).toEqual(calls.slice(3).reverse().map((c) => c.callSid));
    });
  });

  describe('hourly waits and retention', () => {
    it('averages the waits of answered live callers by queue and local hour', async () => {
      const base = Date.UTC(2030, 0, 7, 2, 0, 0); // 10:00 in Shanghai
      const answered = (hour: number, waited: number, fields = {}) => {
        const callSid = sid();
        return handoffFactOf(callSid, { rev: 4, queuedAt: base + (hour - 10) * 3_600_000, waitedSeconds: waited, agentId: 'bob', outcome: 'agent', ...fields });
      };
      await records.write([
        answered(10, 100),
        answered(10, 300),
        answered(14, 30),
        answered(14, 60, { queue: 'tier2' }),
        answered(14, 999, { callbackAsked: true, outcome: 'callback' }),
        handoffFactOf(sid(), { rev: 3, queuedAt: base, waitedSeconds: 500, outcome: 'abandoned' }),
      ]);
      const waits = await records.hourlyWaits(base - 3_600_000, 'Asia/Shanghai');
      expect(waits).toEqual([
        { queue: 'tier1', hour: 10, avgWaitSeconds: 200, calls: 2 },
        { queue: 'tier1', hour: 14, avgWaitSeconds: 30, calls: 1 },
        { queue: 'tier2', hour: 14, avgWaitSeconds: 60, calls: 1 },
      ]);
    });

    it('reports a local day per queue: service level, abandonment, handle time, and containment', async () => {
      const day = '2030-02-01';
      const at = (localTime: string) => Date.parse(`${day}T${localTime}+08:00`);
      const handedOff = (time: string, fields: Parameters<typeof handoffFactOf>[1]) => handoffFactOf(sid(), { rev: 5, queuedAt: at(time), ...fields });
      await records.write([
        callFactOf(sid(), { startedAt: at('09:00:00') }),
        callFactOf(sid(), { startedAt: at('23:59:00') }),
        callFactOf(sid(), { startedAt: Date.parse('2030-01-31T23:30:00+08:00') }),
        callFactOf(sid(), { startedAt: Date.parse('2030-02-02T00:00:00+08:00') }),
        handedOff('10:00:00', { outcome: 'agent', waitedSeconds: 10, agentId: 'alice', talkSeconds: 100 }),
        handedOff('10:05:00', { outcome: 'agent', waitedSeconds: 30, agentId: 'alice', talkSeconds: 200 }),
        handedOff('10:10:00', { outcome: 'abandoned', waitedSeconds: 50 }),
        handedOff('10:15:00', { outcome: 'callback', callbackAsked: true, waitedSeconds: 3600, agentId: 'bob', talkSeconds: 300 }),
        handedOff('10:20:00', {}),
        // Still talking: answered (in time) already, no outcome or talk time yet.
        handedOff('10:25:00', { waitedSeconds: 5, agentId: 'alice' }),
        handedOff('11:00:00', { queue: 'tier2', outcome: 'agent', waitedSeconds: 5, agentId: 'carol', talkSeconds: 60 }),
      ]);
      expect(await dailyReport(database.db, day, 'Asia/Shanghai', 20)).toEqual({
        day,
        calls: 9,
        contained: 2,
        containment: 2 / 7,
        queues: [
          { queue: 'tier1', offered: 6, answered: 4, answeredInTime: 2, serviceLevel: 2 / 4, abandoned: 1, abandonment: 1 / 6, averageHandleSeconds: 200 },
          { queue: 'tier2', offered: 1, answered: 1, answeredInTime: 1, serviceLevel: 1, abandoned: 0, abandonment: 0, averageHandleSeconds: 60 },
        ],
        agents: [
          { agentId: 'alice', calls: 3, averageHandleSeconds: 150 },
          { agentId: 'bob', calls: 1, averageHandleSeconds: 300 },
          { agentId: 'carol', calls: 1, averageHandleSeconds: 60 },
        ],
      });
    });

    it('deletes records that started before the cutoff, in batches', async () => {
      const old = Date.UTC(2001, 0, 1);
      const gone = [sid(), sid(), sid()];
      const kept = sid();
      await records.write([...gone.map((callSid) => callFactOf(callSid, { startedAt: old })), callFactOf(kept, { startedAt: old + 2 * DAY })]);
      expect(await records.deleteBefore(old + DAY, 2)).toBe(2);
      expect(await records.deleteBefore(old + DAY, 2)).toBe(1);
      expect(await records.deleteBefore(old + DAY, 2)).toBe(0);
      expect(await records.get(kept)).not.toBeNull();
      for (const callSid of gone) expect(await records.get(callSid)).toBeNull();
    });
  });
}

import pino from 'pino';
import { CallRecordsDb } from '../../src/records/call-records-db';
import { decodeFact } from '../../src/records/record-facts';
import { RecordsWorker } from '../../src/records/records-worker';
import { migrate } from '../../src/records/sql/migrations';
import { createPostgresDatabase, type TestDatabase } from '../support/postgres';
import { startTestHotline, type TestHotline } from '../support/test-app';

const quiet = pino({ level: 'silent' });

/**
 * At least once, and still one record per call: workers that die before acknowledging, or after
 * writing but before acknowledging, leave their entries to another worker, which writes them again
 * into the same records. Calls end through the webhooks of an app without a worker of its own.
 */
describe('records workers that die and restart', () => {
  let database: TestDatabase;
  let records: CallRecordsDb;
  let hotline: TestHotline;

  beforeAll(async () => {
    database = await createPostgresDatabase('records_worker');
    await migrate(database.db);
    records = new CallRecordsDb(database.db);
  }, 60_000);
  afterAll(() => database.drop(), 30_000);
  beforeEach(async () => {
    hotline = await startTestHotline();
  });
  afterEach(() => hotline.close());

  const worker = (consumer: string, claimIdleMs = 120_000) =>
    new RecordsWorker({ stream: hotline.store.records, records, log: quiet, migrate: async () => undefined, consumer, claimIdleMs, claimEveryMs: 0 });

  async function endSomeCalls(): Promise<string[]> {
    const sids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const call = await hotline.call({ from: `+86139000008${String(i).padStart(2, '0')}` }).dial();
      await call.press(i % 2 === 0 ? '0' : '4');
      hotline.clock.advance(10_000);
      await call.hangUp();
      await call.hangUp(); // Twilio repeats a status callback now and then
      sids.push(call.callSid);
    }
    return sids;
  }

  async function rows(sids: string[]) {
    return database.db.query<{ call_sid: string; outcome: string }>('SELECT call_sid, outcome FROM call_records WHERE call_sid = ANY($1) ORDER BY call_sid', [sids]);
  }

  it('a worker that died holding entries (read, never written): another takes them over once they are idle', async () => {
    const sids = await endSomeCalls();
    const stream = hotline.store.records;
    await stream.ensureGroup();
    const held = await stream.readNew('dead-worker', 100);
    expect(held.length).toBeGreaterThanOrEqual(sids.length);
    const survivor = worker('survivor', 50);
    expect(await survivor.round()).toBe(0); // not idle long enough: not taken yet
    await new Promise((resolve) => setTimeout(resolve, 60));
    while ((await stream.lag()).backlog > 0) await survivor.round();
    expect((await rows(sids)).map((row) => [row.call_sid, row.outcome])).toEqual(
      [...sids].sort().map((callSid, i) => [callSid, sids.indexOf(callSid) % 2 === 0 ? 'abandoned' : 'contained']),
    );
  });

  it('a worker that wrote and died before acknowledging: its entries are written again, still one record each, the same', async () => {
    const sids = await endSomeCalls();
    const first = worker('writes-then-dies');
    await first.round().catch(() => undefined);
    const stream = hotline.store.records;
    // Another batch: written to the database, never acknowledged (the process died in between).
    const call = await hotline.call().dial();
    await call.press('0');
    await call.hangUp();
    const unacknowledged = await stream.readNew('writes-then-dies', 100);
    await records.write(unacknowledged.map((entry) => decodeFact(entry.fact)!));
    const before = await records.get(call.callSid);
    // The same consumer name after a restart reads its own pending entries first.
    const restarted = worker('writes-then-dies');
    while ((await stream.lag()).backlog > 0) await restarted.round();
    expect(await records.get(call.callSid)).toEqual(before);
    expect(await rows([...sids, call.callSid])).toHaveLength(sids.length + 1);
  });

  it('a fact the database refuses for its data, or that cannot be read, is dropped and counted; the others are written', async () => {
    const sids = await endSomeCalls();
    const [poisoned] = sids;
    await hotline.store.records.append('{not a fact');
    const refusing = Object.create(records) as CallRecordsDb;
    refusing.write = async (facts) => {
      if (facts.some((fact) => fact.callSid === poisoned)) throw Object.assign(new Error('invalid input syntax'), { code: '22P02' });
      return records.write(facts);
    };
    const picky = new RecordsWorker({ stream: hotline.store.records, records: refusing, log: quiet, migrate: async () => undefined, consumer: 'picky' });
    while ((await hotline.store.records.lag()).backlog > 0) await picky.round();
    expect((await rows(sids)).map((row) => row.call_sid).sort()).toEqual(sids.slice(1).sort());
    // The poisoned call's four facts (its end, repeated; queued; abandoned) and the unreadable entry.
    expect(picky.status()).toMatchObject({ dropped: 5, failing: null });
  });

  it('a worker stopped in the middle of its loop and started again writes what came meanwhile', async () => {
    const running = worker('restarting');
    running.start();
    const sids = await endSomeCalls();
    await running.stop();
    const more = await endSomeCalls();
    const again = worker('restarting');
    again.start();
    try {
      const until = Date.now() + 15_000;
      while ((await hotline.store.records.lag()).backlog > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await rows([...sids, ...more])).toHaveLength(sids.length + more.length);
    } finally {
      await again.stop();
    }
  });
});

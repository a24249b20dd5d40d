import pino from 'pino';
import { postgresDatabase } from '../../src/records/sql/postgres-database';
import { migrate } from '../../src/records/sql/migrations';
import type { SqlDatabase } from '../../src/records/sql/sql-database';
import { ALICE } from '../agent-api/agent-test-kit';
import { PrivatePostgres } from '../support/private-postgres';
import { injectPoster, TEST_AUTH_TOKEN, TEST_BASE_URL } from '../support/test-app';
import { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { startRecordsHotline, type RecordsHotline } from './records-kit';

/**
 * SPEC §5: a database outage delays records and loses none; the webhooks never wait for it. A
 * PostgreSQL server of the test's own is stopped while calls end and started again.
 */
describe('the call records database goes away while calls end', () => {
  let server: PrivatePostgres;
  let db: SqlDatabase;
  let hotline: RecordsHotline;
  /** How long each webhook took, by phase. */
  const took: Record<'before' | 'during', number[]> = { before: [], during: [] };
  let phase: 'before' | 'during' = 'before';

  beforeAll(async () => {
    server = await PrivatePostgres.create();
    db = postgresDatabase(server.url, pino({ level: 'silent' }));
    await migrate(db);
    hotline = await startRecordsHotline({ url: server.url, db, drop: async () => undefined }, { store: 'redis' });
  }, 90_000);
  afterAll(async () => {
    await hotline?.close();
    await db?.close();
    await server?.destroy();
  }, 60_000);

  /** A call whose every webhook is timed. */
  function timedCall(from?: string): TwilioCallDriver {
    const post = injectPoster(hotline.app);
    return new TwilioCallDriver(
      async (url, form, signature) => {
        const started = performance.now();
        const answer = await post(url, form, signature);
        took[phase].push(performance.now() - started);
        return answer;
      },
      { baseUrl: TEST_BASE_URL, authToken: TEST_AUTH_TOKEN, ...(from ? { from } : {}) },
    );
  }

  async function selfServed(): Promise<string> {
    const call = await timedCall().dial();
    await call.press('3');
    await call.press('2');
    expect(await call.hangUp()).toBe(204);
    return call.callSid;
  }

  it('records every call once the database is back; webhooks and claims meanwhile answer as usual; /readyz stays ready and shows the lag', async () => {
    const before = [await selfServed(), await selfServed()];
    await hotline.settle();

    await server.stop();
    phase = 'during';
    const contained = [await selfServed(), await selfServed(), await selfServed()];
    const abandoned = await timedCall('+8613900000701').dial();
    await abandoned.press('0');
    hotline.clock.advance(20_000);
    expect(await abandoned.hangUp()).toBe(204);
    const served = await timedCall('+8613900000702').dial();
    await served.press('0');
    await hotline.available(ALICE);
    const started = performance.now();
    const claim = await hotline.claim(ALICE);
    const claimMs = performance.now() - started;
    // The claim goes on without the caller's history when the records cannot tell in time.
    expect(claim.statusCode).toBe(200);
    expect(claim.json().history).toBeUndefined();
    const dial = await hotline.agentAnswers();
    hotline.clock.advance(60_000);
    await served.send(dial.action, { DialCallStatus: 'completed' });
    await served.press('5');
    expect(await served.hangUp()).toBe(204);
    expect((await hotline.wrapUp(ALICE, served.callSid, '断线期间的通话')).statusCode).toBe(204);

    const ready = await hotline.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    const lag = ready.json().records;
    expect(lag.backlog).toBeGreaterThanOrEqual(contained.length + 2);
    expect(lag.failing).not.toBeNull();
    expect(lag.oldestSeconds).toBeGreaterThanOrEqual(0);

    // Nothing on the webhook path waited for the database: no webhook took longer than a second,
    // and the slowest took no longer than four times the slowest before the outage (plus scheduling noise).
    const slowestBefore = Math.max(...took.before);
    const slowestDuring = Math.max(...took.during);
    expect(slowestDuring).toBeLessThan(Math.max(1000, 4 * slowestBefore + 100));
    expect(claimMs).toBeLessThan(1000);

    await server.start();
    await hotline.settle(30_000);
    for (const callSid of [...before, ...contained]) expect(await hotline.callRecords.get(callSid)).toMatchObject({ outcome: 'contained' });
    expect(await hotline.callRecords.get(abandoned.callSid)).toMatchObject({ outcome: 'abandoned', waitedSeconds: 20 });
    expect(await hotline.callRecords.get(served.callSid)).toMatchObject({ outcome: 'agent', agentId: 'alice', survey: 5, wrapUpNote: '断线期间的通话' });
    const after = await hotline.app.inject({ method: 'GET', url: '/readyz' });
    expect(after.json().records).toMatchObject({ backlog: 0, pending: 0, failing: null });
  }, 90_000);
});

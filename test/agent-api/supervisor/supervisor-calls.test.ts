import { migrate } from '../../../src/records/sql/migrations';
import { ALICE, BOB, bearer } from '../agent-test-kit';
import { createPostgresDatabase, type TestDatabase } from '../../support/postgres';
import { callFactOf, handoffFactOf, sid } from '../../records/record-facts';
import { startRecordsHotline, type RecordsHotline } from '../../records/records-kit';

const SAM = 'sam-demo-token';
const NOTE = '客户称"转账失败",已退款, 请复核\n=SUM(A1)';

/** SPEC §5 "Supervisors and call records": GET /supervisor/calls and /supervisor/calls.csv. */
describe('supervisors read the call records', () => {
  let database: TestDatabase;
  let hotline: RecordsHotline;

  beforeAll(async () => {
    database = await createPostgresDatabase('supervisor_calls');
    await migrate(database.db);
  }, 60_000);
  afterAll(() => database.drop(), 30_000);
  beforeEach(async () => {
    await database.db.query('DELETE FROM call_records');
    hotline = await startRecordsHotline(database);
  });
  afterEach(() => hotline.close());

  const get = (url: string, token?: string) => hotline.app.inject({ method: 'GET', url, ...(token ? { headers: bearer(token) } : {}) });

  it('401 without a token, 403 for an agent, 200 for a supervisor', async () => {
    for (const url of ['/supervisor/calls', '/supervisor/calls.csv']) {
      expect((await get(url)).statusCode).toBe(401);
      expect((await get(url, ALICE)).statusCode).toBe(403);
      expect((await get(url, SAM)).statusCode).toBe(200);
    }
  });

  it('a whole call as the record supervisors see, and in the CSV with its Chinese note intact (BOM, quotes, commas, a line break)', async () => {
    const call = await hotline.waitingCaller('+8613900000000');
    await hotline.available(BOB);
    await hotline.claim(BOB);
    const dial = await hotline.agentAnswers();
    hotline.clock.advance(90_000);
    await call.send(dial.action, { DialCallStatus: 'completed' });
    await call.hangUp();
    expect((await hotline.wrapUp(BOB, call.callSid, NOTE)).statusCode).toBe(204);
    await hotline.settle();

    const window = 'from=2026-11-25T00:00:00%2B08:00&to=2026-11-26T00:00:00%2B08:00';
    const listed = await get(`/supervisor/calls?${window}`, SAM);
    expect(listed.json()).toEqual({
      calls: [
        {
          callSid: call.callSid,
          caller: '+86*****0000',
          startedAt: '2026-11-25T02:00:00.000Z',
          endedAt: '2026-11-25T02:01:30.000Z',
          language: 'zh-CN',
          journey: ['main'],
          identityLevel: 0,
          intent: 'main',
          selfService: [],
          outcome: 'agent',
          handoff: { queue: 'tier1', waitedSeconds: 0, agentId: 'bob', talkSeconds: 90, escalated: false, callbackRequested: false },
          wrapUp: { note: NOTE, resolved: true, at: '2026-11-25T02:01:30.000Z' },
          survey: null,
        },
      ],
      nextCursor: null,
    });

    const csv = await get(`/supervisor/calls.csv?${window}`, SAM);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain('calls.csv');
    const bytes = csv.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const [header, row] = text.split('\r\n');
    expect(header!.split(',')).toContain('wrapUpNote');
    expect(row!.startsWith(`${call.callSid},2026-11-25T02:00:00.000Z,`)).toBe(true);
    expect(text).toContain(`,"客户称""转账失败"",已退款, 请复核\n=SUM(A1)",true,`);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('pages newest first with a cursor, filters by outcome and time, and refuses a cursor it did not give', async () => {
    const base = Date.parse('2026-11-20T09:00:00+08:00');
    const sids = Array.from({ length: 7 }, () => sid());
    await hotline.callRecords.write(sids.map((callSid, i) => callFactOf(callSid, { startedAt: base + i * 60_000, ivrOutcome: i % 3 === 0 ? 'overflow' : 'contained' })));
    await hotline.callRecords.write([handoffFactOf(sid(), { rev: 2, queuedAt: base - 86_400_000 * 3 })]);
    const window = `from=${encodeURIComponent(new Date(base).toISOString())}&to=${encodeURIComponent(new Date(base + 3_600_000).toISOString())}`;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await get(`/supervisor/calls?${window}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, SAM)).json() as { calls: Array<{ callSid: string }>; nextCursor: string | null };
      seen.push(...page.calls.map((c) => c.callSid));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...sids].reverse());
    const overflow = (await get(`/supervisor/calls?${window}&outcome=overflow`, SAM)).json() as { calls: Array<{ callSid: string }> };
    expect(overflow.calls.map((c) => c.callSid)).toEqual([sids[6], sids[3], sids[0]]);
    expect((await get(`/supervisor/calls?${window}&cursor=bm9wZQ`, SAM)).statusCode).toBe(400);
    expect((await get('/supervisor/calls?from=yesterday', SAM)).statusCode).toBe(400);
  });

  it('a supervisor may read any hand-off record; an agent who never held it may not', async () => {
    const call = await hotline.waitingCaller();
    expect((await get(`/agent/calls/${call.callSid}`, SAM)).statusCode).toBe(200);
    expect((await get(`/agent/calls/${call.callSid}`, ALICE)).statusCode).toBe(403);
  });
});

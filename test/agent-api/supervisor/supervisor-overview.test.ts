import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { freePort } from '../../../scripts/lib/free-port';
import { migrate } from '../../../src/records/sql/migrations';
import { postgresDatabase } from '../../../src/records/sql/postgres-database';
import { ALICE, bearer } from '../agent-test-kit';
import { baseUrlOf, EventStreamClient } from '../event-stream-client';
import { playTheFloor, scenarioAt } from './floor-scenario';
import { logCapture } from '../../support/log-capture';
import { createPostgresDatabase, type TestDatabase } from '../../support/postgres';
import { prompt, startTestHotline, TEST_BASE_URL, type TestHotline } from '../../support/test-app';
import { startRecordsHotline, type RecordsHotline } from '../../records/records-kit';

const SAM = 'sam-demo-token';
const DAY = 86_400_000;
const at = scenarioAt;

type Get = (url: string, token?: string) => Promise<LightMyRequestResponse>;
const getter = (hotline: TestHotline): Get => (url, token) => hotline.app.inject({ method: 'GET', url, ...(token ? { headers: bearer(token) } : {}) });

/** SPEC §5 "Supervisors and call records": GET /supervisor/overview and GET /supervisor/events. */
describe('the supervisors’ overview', () => {
  let database: TestDatabase;
  let hotline: RecordsHotline;
  let get: Get;

  beforeAll(async () => {
    database = await createPostgresDatabase('supervisor_overview');
    await migrate(database.db);
  }, 60_000);
  afterAll(() => database.drop(), 30_000);
  beforeEach(async () => {
    await database.db.query('DELETE FROM call_records');
    hotline = await startRecordsHotline(database);
    get = getter(hotline);
  });
  afterEach(() => hotline.close());

  it('401 without a token, 403 for an agent, 200 for a supervisor; a bad or future day is 400', async () => {
    expect((await get('/supervisor/overview')).statusCode).toBe(401);
    expect((await get('/supervisor/overview', 'not-a-token')).statusCode).toBe(401);
    expect((await get('/supervisor/overview', ALICE)).statusCode).toBe(403);
    expect((await get('/supervisor/overview', SAM)).statusCode).toBe(200);
    for (const day of ['yesterday', '2026-02-30', '2026-13-01', '20261124', '2026-11-26']) {
      const response = await get(`/supervisor/overview?day=${day}`, SAM);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toBe(`querystring: day: must ${day === '2026-11-26' ? 'not be after today' : 'be a date YYYY-MM-DD'}`);
    }
    expect((await get('/supervisor/overview?day=2024-02-29', SAM)).statusCode).toBe(200);
  });

  it('after whole calls: the queues, each agent’s state and call, and the day’s figures; a past day from the records', async () => {
    const { c, e } = await playTheFloor(hotline);
    // F has waited 50 s when the supervisor looks.
    await hotline.waitingCaller('+8613900000006');
    hotline.clock.advance(50_000);
    await hotline.settle();

    const response = await get('/supervisor/overview', SAM);
    expect(response.statusCode).toBe(200);
    const report = {
      day: '2026-11-25',
      calls: 6,
      contained: 1,
      // A contained; B, C (answered) and D (abandoned) known; E talking and F waiting not yet.
      containment: 1 / 4,
      queues: [
        // Service level: B and E within 20 s, of B, C, E answered live and D abandoned.
        { queue: 'tier1', offered: 5, answered: 3, answeredInTime: 2, serviceLevel: 2 / 4, abandoned: 1, abandonment: 1 / 5, averageHandleSeconds: 90 },
        { queue: 'tier2', offered: 0, answered: 0, answeredInTime: 0, serviceLevel: null, abandoned: 0, abandonment: null, averageHandleSeconds: null },
      ],
      agents: [
        { agentId: 'alice', calls: 2, averageHandleSeconds: 60 },
        { agentId: 'bob', calls: 1, averageHandleSeconds: 120 },
      ],
    };
    expect(response.json()).toEqual({
      day: '2026-11-25',
      timeZone: 'Asia/Shanghai',
      serviceLevelSeconds: 20,
      generatedAt: at(355),
      live: {
        queues: [
          // Fewer than five talk times known: the waiting room says no number (wait-estimator.ts), nor does the overview.
          { queue: 'tier1', waiting: 1, longestWaitSeconds: 50, estimatedWaitSeconds: null },
          { queue: 'tier2', waiting: 0, longestWaitSeconds: 0, estimatedWaitSeconds: null },
        ],
        agents: [
          { id: 'alice', name: 'Alice', tiers: ['tier1'], state: 'connected', call: { callSid: e.callSid, queue: 'tier1', state: 'connected', caller: '+86*****0005', since: at(305) } },
          { id: 'bob', name: 'Bob', tiers: ['tier1', 'tier2'], state: 'wrap-up', call: { callSid: c.callSid, queue: 'tier1', state: 'ended', caller: '+86*****0003', since: at(285) } },
          { id: 'carol', name: 'Carol', tiers: ['tier2'], state: 'away', call: null },
        ],
      },
      report,
      reportUnavailable: null,
    });

    // The same day asked for by date, from the records only, once it is past; the wrap-up window (12 h) has passed too.
    hotline.clock.advance(DAY);
    const past = await get('/supervisor/overview?day=2026-11-25', SAM);
    expect(past.statusCode).toBe(200);
    expect(past.json()).toEqual({ day: '2026-11-25', timeZone: 'Asia/Shanghai', serviceLevelSeconds: 20, generatedAt: at(355 + 86_400), live: null, report, reportUnavailable: null });
    const today = (await get('/supervisor/overview', SAM)).json();
    expect(today.day).toBe('2026-11-26');
    expect(today.report).toMatchObject({ calls: 0, containment: null, agents: [] });
    expect(today.live.agents.map((agent: { id: string; state: string }) => [agent.id, agent.state])).toEqual([
      ['alice', 'connected'],
      ['bob', 'available'],
      ['carol', 'away'],
    ]);

    // With talk times known, the overview gives what the next caller to join is told.
    for (let i = 0; i < 10; i += 1) await hotline.store.handoffs.pushFigure('handles', 'tier1', String(5 * 60_000));
    hotline.clock.advance(2000);
    const estimated: number = (await get('/supervisor/overview', SAM)).json().live.queues[0].estimatedWaitSeconds;
    expect(estimated).toBeGreaterThan(60);
    const next = await hotline.waitingCaller('+8613900000007');
    await next.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
    expect(next.heard).toContain(prompt('queue.wait.aboutMinutes', 'zh-CN', { minutes: Math.ceil(estimated / 60) }));
  });

  it('a database too slow for the bound gives the live part without the day’s figures; a past day is 503', async () => {
    await hotline.waitingCaller();
    await hotline.settle();
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE call_records IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const response = await get('/supervisor/overview', SAM);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ report: null, reportUnavailable: 'timeout', live: { queues: [{ queue: 'tier1', waiting: 1 }, { queue: 'tier2', waiting: 0 }] } });
      const past = await get('/supervisor/overview?day=2026-11-24', SAM);
      expect(past.statusCode).toBe(503);
      expect(past.json().message).toContain('timeout');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    expect((await get('/supervisor/overview', SAM)).json()).toMatchObject({ report: { calls: 1 }, reportUnavailable: null });
  });

  it('is in the OpenAPI document (/docs)', async () => {
    const paths = (await get('/docs/json')).json().paths;
    expect(paths['/supervisor/overview'].get).toMatchObject({ tags: ['supervisors'], parameters: [expect.objectContaining({ name: 'day', in: 'query', required: false })] });
    expect(Object.keys(paths['/supervisor/overview'].get.responses)).toEqual(['200', '400', '401', '403', '503']);
    expect(paths['/supervisor/events'].get).toMatchObject({ tags: ['supervisors'], parameters: [expect.objectContaining({ name: 'token', in: 'query' })] });
  });

  it('the event stream: 401, 403, then `overview` events for a supervisor, live when a caller joins; the ?token= never logged', async () => {
    await hotline.close();
    const logs = logCapture();
    hotline = await startRecordsHotline(database, { logDestination: logs.stream, logLevel: 'info' });
    await hotline.app.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = baseUrlOf(hotline.app);
    const open = (path: string, token?: string) => EventStreamClient.open(baseUrl, path, token ? bearer(token) : {});
    const refused = [await open('/supervisor/events'), await open('/supervisor/events', ALICE), await open(`/supervisor/events?token=${ALICE}`)];
    expect(refused.map((stream) => stream.status)).toEqual([401, 403, 403]);
    for (const stream of refused) await stream.body();

    const streams = [await open('/supervisor/events', SAM), await open(`/supervisor/events?token=${SAM}`)];
    try {
      for (const stream of streams) {
        expect(stream.status).toBe(200);
        expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
        const first = await stream.next('overview');
        expect(first.data.live.queues[0]).toEqual({ queue: 'tier1', waiting: 0, longestWaitSeconds: 0, estimatedWaitSeconds: null });
        expect(first.data.report).toMatchObject({ day: '2026-11-25', calls: 0 });
      }
      const caller = await hotline.waitingCaller();
      for (const stream of streams) {
        const joined = await stream.next((event) => event.event === 'overview' && event.data.live.queues[0].waiting === 1);
        expect(joined.data.live.queues[0]).toMatchObject({ queue: 'tier1', waiting: 1 });
      }
      await hotline.available(ALICE);
      const alice = await streams[0]!.next((event) => event.event === 'overview' && event.data.live.agents[0].state === 'available');
      expect(alice.data.live.agents[0]).toEqual({ id: 'alice', name: 'Alice', tiers: ['tier1'], state: 'available', call: null });
      expect((await hotline.claim(ALICE)).statusCode).toBe(200);
      const offered = await streams[0]!.next((event) => event.event === 'overview' && event.data.live.agents[0].state === 'offered');
      expect(offered.data.live.agents[0].call).toMatchObject({ callSid: caller.callSid, state: 'offered', since: at(0) });
    } finally {
      for (const stream of streams) stream.close();
    }
    expect(logs.text()).toContain('/supervisor/events?token=[redacted]');
    expect(logs.text()).not.toContain(SAM);
    expect(logs.text()).not.toContain(ALICE);
  });
});

describe('the supervisors’ overview without its database', () => {
  let hotline: TestHotline | undefined;
  afterEach(() => hotline?.close());

  it('an unreachable records database: the live part still answers 200', async () => {
    const unreachable = postgresDatabase(`postgres://postgres@127.0.0.1:${await freePort()}/nowhere`, pino({ level: 'silent' }));
    hotline = await startTestHotline({ deps: { recordsDb: unreachable, recordsWorker: { pollMs: 20, maxBackoffMs: 200 } } });
    const call = await hotline.call().dial();
    await call.press('0');
    const response = await getter(hotline)('/supervisor/overview', SAM);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ report: null, reportUnavailable: 'unavailable', live: { queues: [{ queue: 'tier1', waiting: 1, longestWaitSeconds: 0 }, { queue: 'tier2' }] } });
    expect((await getter(hotline)('/supervisor/overview?day=2026-11-24', SAM)).statusCode).toBe(503);
  });

  it('no records database at all (the store alone): the live part, `no-database`', async () => {
    hotline = await startTestHotline({ store: 'memory' });
    const response = await getter(hotline)('/supervisor/overview', SAM);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ report: null, reportUnavailable: 'no-database', live: { agents: [{ id: 'alice', state: 'away' }, { id: 'bob' }, { id: 'carol' }] } });
  });
});

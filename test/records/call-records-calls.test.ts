import { TEST_BASE_URL } from '../support/test-app';
import { ALICE, BOB, CAROL, bearer } from '../agent-api/agent-test-kit';
import { createEmbeddedDatabase, createPostgresDatabase, type TestDatabase } from '../support/postgres';
import { migrate } from '../../src/records/sql/migrations';
import { createRedisStore, type Store } from '../../src/stores';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { settleStream, startRecordsHotline, type RecordsHotline } from './records-kit';

const OVERFLOW = '+8610123456789';

/**
 * SPEC §5: every call ends in one call record, with the right outcome and what the caller and
 * agent did — whole calls through signed webhooks and the agent API, on Redis with PostgreSQL and
 * on the embedded store with the embedded PostgreSQL (the `npm start` default).
 */
describe.each([
  ['Redis and PostgreSQL', 'redis' as const, () => createPostgresDatabase('records_calls')],
  ['the embedded store and the embedded PostgreSQL', 'memory' as const, () => createEmbeddedDatabase()],
])('call records of whole calls on %s', (_name, store, open) => {
  let database: TestDatabase;
  let hotline: RecordsHotline;

  beforeAll(async () => {
    database = await open();
    await migrate(database.db);
  }, 60_000);
  afterAll(() => database.drop(), 30_000);
  beforeEach(async () => {
    hotline = await startRecordsHotline(database, { store });
  });
  afterEach(() => hotline.close());

  const recordOf = async (callSid: string) => {
    await hotline.settle();
    return hotline.callRecords.get(callSid);
  };

  it('a self-served call is contained', async () => {
    const call = await hotline.call({ from: '+8613900000000' }).dial();
    await call.press('3');
    await call.press('1');
    hotline.clock.advance(65_000);
    expect(await call.hangUp()).toBe(204);
    expect(await recordOf(call.callSid)).toMatchObject({
      callSid: call.callSid,
      caller: '+86*****0000',
      startedAt: new Date(Date.parse('2026-11-25T10:00:00+08:00')),
      endedAt: new Date(Date.parse('2026-11-25T10:01:05+08:00')),
      language: 'zh-CN',
      identityLevel: 0,
      outcome: 'contained',
      queue: null,
      agentId: null,
    });
  });

  it('a caller served by an agent: queue, wait, agent, talk time, wrap-up and survey, though the wrap-up came last', async () => {
    const call = await hotline.waitingCaller();
    hotline.clock.advance(40_000);
    await hotline.available(ALICE);
    expect((await hotline.claim(ALICE)).statusCode).toBe(200);
    const dial = await hotline.agentAnswers();
    hotline.clock.advance(120_000);
    await call.send(dial.action, { DialCallStatus: 'completed', DialCallDuration: '120' });
    await call.press('4');
    await call.hangUp();
    hotline.clock.advance(300_000);
    expect((await hotline.wrapUp(ALICE, call.callSid, '解释了退款进度，客户表示理解')).statusCode).toBe(204);
    expect(await recordOf(call.callSid)).toMatchObject({
      outcome: 'agent',
      intent: 'main',
      queue: 'tier1',
      waitedSeconds: 40,
      agentId: 'alice',
      talkSeconds: 120,
      escalated: false,
      wrapUpNote: '解释了退款进度，客户表示理解',
      wrapUpResolved: true,
      survey: 4,
    });
  });

  it('a caller who hangs up while waiting is abandoned, with how long they waited', async () => {
    const call = await hotline.waitingCaller();
    hotline.clock.advance(75_000);
    await call.hangUp();
    expect(await recordOf(call.callSid)).toMatchObject({ outcome: 'abandoned', queue: 'tier1', waitedSeconds: 75, agentId: null });
  });

  it('an escalated caller: tier2, escalated, the second agent', async () => {
    const call = await hotline.waitingCaller();
    await hotline.available(ALICE);
    await hotline.claim(ALICE);
    await hotline.agentAnswers();
    const escalated = await hotline.app.inject({
      method: 'POST',
      url: `/agent/calls/${call.callSid}/escalation`,
      headers: bearer(ALICE),
      payload: { note: '疑似盗刷' },
    });
    expect(escalated.statusCode).toBe(200);
    hotline.clock.advance(30_000);
    await hotline.available(CAROL);
    expect((await hotline.claim(CAROL)).statusCode).toBe(200);
    await hotline.agentAnswers();
    hotline.clock.advance(60_000);
    expect((await hotline.wrapUp(CAROL, call.callSid, '已冻结')).statusCode).toBe(204);
    await call.hangUp();
    expect(await recordOf(call.callSid)).toMatchObject({ outcome: 'agent', queue: 'tier2', escalated: true, agentId: 'carol', waitedSeconds: 30, talkSeconds: 60 });
  });

  it('a caller called back by an agent: callback', async () => {
    const call = await hotline.waitingCaller('+8613900000601');
    await call.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
    await call.press('1');
    await call.send(`${TEST_BASE_URL}/voice/queue/left`, { QueueResult: 'hangup' });
    await call.hangUp();
    await hotline.settle();
    expect((await hotline.callRecords.get(call.callSid))?.outcome).toBeNull();
    hotline.clock.advance(600_000);
    await hotline.available(BOB);
    expect((await hotline.claim(BOB)).statusCode).toBe(200);
    await hotline.agentAnswers('call');
    hotline.clock.advance(90_000);
    expect((await hotline.wrapUp(BOB, call.callSid, '回电处理完毕')).statusCode).toBe(204);
    expect(await recordOf(call.callSid)).toMatchObject({ outcome: 'callback', callbackAsked: true, agentId: 'bob', talkSeconds: 90 });
  });

  it('a callback that cannot be made: callback-failed', async () => {
    const call = await hotline.waitingCaller('+15005550001');
    await call.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
    await call.press('1');
    await call.hangUp();
    await hotline.available(BOB);
    expect((await hotline.claim(BOB)).statusCode).toBe(502);
    expect(await recordOf(call.callSid)).toMatchObject({ outcome: 'callback-failed', callbackAsked: true, agentId: null });
  });

  it('duplicate status callbacks give one record, as it was', async () => {
    const call = await hotline.call().dial();
    await call.press('4');
    expect(await call.hangUp()).toBe(204);
    const first = await recordOf(call.callSid);
    hotline.clock.advance(5_000);
    expect(await call.hangUp()).toBe(204);
    expect(await call.hangUp()).toBe(204);
    expect(await recordOf(call.callSid)).toEqual(first);
    const rows = await database.db.query('SELECT 1 FROM call_records WHERE call_sid = $1', [call.callSid]);
    expect(rows).toHaveLength(1);
  });
});

describe('call records of callers the hand-off cannot serve (Redis and PostgreSQL)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPostgresDatabase('records_overflow');
    await migrate(database.db);
  }, 60_000);
  afterAll(() => database.drop(), 30_000);

  it('the queue cannot be reached: the caller goes to the overflow line, recorded as overflow', async () => {
    const redis = await testRedis();
    const prefix = uniquePrefix('records-overflow');
    const store = createRedisStore(redis, prefix);
    // The hand-off's store refuses every step, as when its Redis shard is gone; the records still travel.
    const broken: Store = { ...store, handoffs: { ...store.handoffs, apply: () => Promise.reject(new Error('hand-off store down')) } };
    const hotline = await startRecordsHotline(database, { deps: { store: broken }, env: { OVERFLOW_NUMBER: OVERFLOW } });
    try {
      const call = await hotline.call().dial();
      await call.press('0');
      expect(call.verbs.at(-1)).toMatchObject({ verb: 'Dial', target: OVERFLOW });
      await call.hangUp();
      await settleStream(store.records);
      expect(await hotline.callRecords.get(call.callSid)).toMatchObject({ outcome: 'overflow', queue: null });
    } finally {
      await hotline.close();
      await deletePrefix(redis, prefix);
      await redis.quit();
    }
  });

  it('after hours without a callback request: abandoned (asked for an agent, reached none)', async () => {
    const hotline = await startRecordsHotline(database, { env: { BUSINESS_HOURS: 'sat-sun 10:00-18:00' } });
    try {
      const call = await hotline.call().dial();
      await call.press('0');
      await call.press('2');
      await call.hangUp();
      await hotline.settle();
      expect(await hotline.callRecords.get(call.callSid)).toMatchObject({ outcome: 'abandoned', queue: null });
    } finally {
      await hotline.close();
    }
  });
});

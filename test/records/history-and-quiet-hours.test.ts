import { migrate } from '../../src/records/sql/migrations';
import { ALICE, BOB, bearer } from '../agent-api/agent-test-kit';
import { createPostgresDatabase, type TestDatabase } from '../support/postgres';
import { prompt, TEST_BASE_URL } from '../support/test-app';
import { handoffFactOf, sid } from './record-facts';
import { startRecordsHotline, type RecordsHotline } from './records-kit';

const NOW = Date.parse('2026-11-25T10:00:00+08:00');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('what the call records give back (Redis and PostgreSQL)', () => {
  let database: TestDatabase;
  let hotline: RecordsHotline;

  beforeAll(async () => {
    database = await createPostgresDatabase('records_reads');
    await migrate(database.db);
  }, 60_000);
  afterAll(() => database.drop(), 30_000);
  beforeEach(async () => {
    hotline = await startRecordsHotline(database);
  });
  afterEach(() => hotline.close());

  describe("the caller's history for the agent (SPEC §5 `history`)", () => {
    async function servedAndWrappedUp(from: string, note: string): Promise<string> {
      const call = await hotline.waitingCaller(from);
      await hotline.available(ALICE);
      expect((await hotline.claim(ALICE)).statusCode).toBe(200);
      const dial = await hotline.agentAnswers();
      await call.send(dial.action, { DialCallStatus: 'completed' });
      await call.hangUp();
      expect((await hotline.wrapUp(ALICE, call.callSid, note)).statusCode).toBe(204);
      return call.callSid;
    }

    it('a caller calling again: the claim and GET /agent/calls/{sid} carry the earlier call with its outcome and note, not the current one', async () => {
      const from = '+8613900000901';
      const first = await servedAndWrappedUp(from, '退款已提交，3个工作日内到账');
      await hotline.settle();
      hotline.clock.advance(2 * HOUR);
      const again = await hotline.waitingCaller(from);
      await hotline.available(BOB);
      const claim = await hotline.claim(BOB);
      expect(claim.statusCode).toBe(200);
      const earlier = [{ callSid: first, date: new Date(NOW).toISOString(), intent: 'main', intentLabel: '主菜单', outcome: 'agent', note: '退款已提交，3个工作日内到账' }];
      expect(claim.json()).toMatchObject({ callSid: again.callSid, history: earlier });
      const view = await hotline.app.inject({ method: 'GET', url: `/agent/calls/${again.callSid}`, headers: bearer(BOB) });
      expect(view.json()).toMatchObject({ callSid: again.callSid, history: earlier });
    });

    it('a withheld caller has no history, even after calling before', async () => {
      await servedAndWrappedUp('anonymous', '匿名来电');
      await hotline.settle();
      await hotline.waitingCaller('anonymous');
      await hotline.available(BOB);
      const claim = await hotline.claim(BOB);
      expect(claim.json().history).toEqual([]);
    });
  });

  describe('quiet hours on long waits (SPEC §5)', () => {
    /** Answered callers of tier1 at `hour` (Shanghai) on each of the last days, waiting `waited` seconds. */
    async function answeredAt(hour: number, waited: number, days: number) {
      const facts = Array.from({ length: days }, (_, day) =>
        handoffFactOf(sid(), { rev: 4, queuedAt: NOW - (day + 1) * DAY + (hour - 10) * HOUR, waitedSeconds: waited, agentId: 'alice', outcome: 'agent' }),
      );
      await hotline.callRecords.write(facts);
    }

    /**
     * Two callers wait and one agent serves tier1, whose conversations last 5 minutes: the first
     * caller is taken at once, the second waits for the end of that conversation (over 5 minutes).
     */
    async function secondCallerHears(): Promise<string[]> {
      for (let i = 0; i < 10; i += 1) await hotline.store.handoffs.pushFigure('handles', 'tier1', String(5 * 60_000));
      await hotline.waitingCaller('+8613900000911');
      hotline.clock.advance(1000);
      const second = await hotline.waitingCaller('+8613900000912');
      await hotline.available(ALICE);
      await second.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
      return second.heard;
    }

    it('enough records: a caller facing a wait over 5 minutes also hears the two quietest business hours, earlier first', async () => {
      await answeredAt(10, 600, 6);
      await answeredAt(14, 90, 6);
      await answeredAt(16, 120, 6);
      await answeredAt(7, 10, 6); // before opening: not a business hour
      await answeredAt(15, 5, 3); // too few to say
      await hotline.module.quietHours.refresh();
      const heard = await secondCallerHears();
      expect(heard).toEqual([
        prompt('queue.wait.position', 'zh-CN', { position: 2 }),
        prompt('queue.wait.aboutMinutes', 'zh-CN', { minutes: 7 }),
        prompt('queue.wait.quietHours', 'zh-CN', { first: 14, firstEnd: 15, second: 16, secondEnd: 17 }),
        prompt('queue.wait.callbackOffer'),
      ]);
    });

    it('too few records: nothing more is said', async () => {
      await database.db.query('DELETE FROM call_records');
      await answeredAt(14, 90, 4);
      await answeredAt(16, 120, 4);
      await hotline.module.quietHours.refresh();
      const heard = await secondCallerHears();
      expect(heard).toEqual([
        prompt('queue.wait.position', 'zh-CN', { position: 2 }),
        prompt('queue.wait.aboutMinutes', 'zh-CN', { minutes: 7 }),
        prompt('queue.wait.callbackOffer'),
      ]);
    });
  });
});

import { JOURNEY_MAX, SELF_SERVICE_MAX } from '../../flows/vocabulary';
import { decodeSession, encodeSession, type CallSession } from '../../src/calls/call-session';
import { served, walked } from '../../src/calls/call-trail';
import { SessionKeeper } from '../../src/calls/session-keeper';
import { menuCallsWithDecliningDesk } from '../support/menu-calls';
import { ManualClock } from '../support/test-app';
import { createMemoryStore } from '../../src/stores';

const clock = new ManualClock();
function newSession(): CallSession {
  const keeper = new SessionKeeper({ sessions: createMemoryStore(clock).sessions, clock, defaultLanguage: 'zh-CN', sessionTtlSeconds: 60 });
  return keeper.begin({ callSid: `CA${'1'.repeat(32)}`, from: '+8613900000001', to: '+8640000000000' }, 0).call.session;
}

describe('the call trail kept in the session (journey and self-service)', () => {
  it('counts a step repeated in a row once, and keeps the newest JOURNEY_MAX steps', () => {
    const session = newSession();
    walked(session, 'main');
    walked(session, 'main');
    walked(session, 'transaction');
    walked(session, 'main');
    expect(session.journey).toEqual(['main', 'transaction', 'main']);
    for (let i = 0; i < JOURNEY_MAX * 2; i++) walked(session, i % 2 ? 'features' : 'techSupport');
    expect(session.journey).toHaveLength(JOURNEY_MAX);
    expect(session.journey.at(-1)).toBe('features');
  });

  it('keeps one entry per thing done, at its first time, bounded and cut to the envelope so the session always reads back', () => {
    const session = newSession();
    served(session, { kind: 'failedTransactionRead', ref: 'TX1', detail: 'insufficientBalance' }, Date.parse('2026-11-25T10:00:00+08:00'));
    served(session, { kind: 'failedTransactionRead', ref: 'TX1', detail: 'insufficientBalance' }, Date.parse('2026-11-25T10:05:00+08:00'));
    served(session, { kind: 'caseOpened', ref: 'C'.repeat(200) }, Date.parse('2026-11-25T10:06:00+08:00'));
    expect(session.selfService).toEqual([
      { kind: 'failedTransactionRead', at: '2026-11-25T02:00:00.000Z', ref: 'TX1', detail: 'insufficientBalance' },
      { kind: 'caseOpened', at: '2026-11-25T02:06:00.000Z', ref: 'C'.repeat(64) },
    ]);
    for (let i = 0; i < SELF_SERVICE_MAX + 5; i++) served(session, { kind: 'pointsRead', detail: String(i) }, clock.now());
    expect(session.selfService).toHaveLength(SELF_SERVICE_MAX);
    expect(session.selfService.at(-1)).toMatchObject({ kind: 'pointsRead', detail: String(SELF_SERVICE_MAX + 4) });
    expect(decodeSession(encodeSession(session))).toEqual(session);
  });

  it('reads a session stored before the trail existed as one with an empty trail', () => {
    const { journey: _journey, selfService: _selfService, ...older } = newSession();
    expect(decodeSession(JSON.stringify(older))).toMatchObject({ journey: [], selfService: [] });
  });
});

describe('the trail of whole calls (webhooks)', () => {
  const menuCalls = menuCallsWithDecliningDesk();
  const sessionOf = async (callSid: string) => decodeSession((await menuCalls.hotline.store.sessions.load(callSid))!.data)!;

  it('3 → 1 → SMS → # → 4 → 2: every menu the caller rested in, in order, and the steps sent by SMS', async () => {
    const call = await menuCalls.callIn('zh-CN');
    await call.press('3');
    await call.press('1');
    await call.press('1');
    await call.press('*');
    await call.press('#');
    await call.press('#');
    await call.press('4');
    await call.press('2');
    const session = await sessionOf(call.callSid);
    expect(session.journey).toEqual(['main', 'techSupport', 'techSupport.appCrash', 'techSupport', 'main', 'features', 'features.points']);
    expect(session.selfService).toEqual([{ kind: 'smsSent', at: new Date(menuCalls.hotline.clock.now()).toISOString(), detail: 'techSupport.appCrash' }]);
  });

  it('a caller without a number to text: the SMS is not sent, so not on the trail', async () => {
    const call = await menuCalls.hotline.call({ from: 'anonymous' }).dial();
    await call.press('3');
    await call.press('2');
    await call.press('1');
    const session = await sessionOf(call.callSid);
    expect(session.journey).toEqual(['main', 'techSupport', 'techSupport.noCodes']);
    expect(session.selfService).toEqual([]);
  });
});

import { readTwiml } from '../../scripts/lib/twiml-reader';
import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { ALICE, bearer } from '../agent-api/agent-test-kit';
import { injectWebhook, startTestHotline, TEST_BASE_URL, type TestHotline } from '../support/test-app';

const HOTLINE_NUMBER = '+8640000000000';

/**
 * A caller called back is on the phone on the callback's outbound leg: its hang-up is the
 * caller's, in every state the record can be in, while the hang-up of a call the callback
 * replaced (the inbound call, an earlier leg) says nothing about the caller any more.
 */
describe('the callback leg is the caller\'s call (SPEC §4.1)', () => {
  let hotline: TestHotline;
  beforeEach(async () => {
    hotline = await startTestHotline();
  });
  afterEach(() => hotline.close());

  const outbox = (kind: string) => hotline.twilio.outbox().filter((entry) => entry.kind === kind);
  const claim = (token: string) => hotline.app.inject({ method: 'POST', url: '/agent/claims', headers: bearer(token) });

  /** A waiting caller who pressed 1 (and stays on the line, listening to the hold music). */
  async function callbackAsked(): Promise<TwilioCallDriver> {
    await hotline.app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(ALICE), payload: { available: true } });
    const call = await hotline.call({ from: '+8613900000601' }).dial();
    await call.press('0');
    await call.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
    await call.press('1');
    expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'callback-waiting' });
    return call;
  }

  /** The agent's claim dials the caller back: the new outbound leg, ringing. */
  async function callBack(caller: TwilioCallDriver): Promise<{ leg: TwilioCallDriver; answerUrl: string }> {
    expect((await claim(ALICE)).statusCode).toBe(200);
    const created = outbox('call').at(-1) as { sid: string; twiml: string };
    const dial = readTwiml(created.twiml).find((verb) => verb.verb === 'Dial') as { answerUrl: string };
    return { leg: hotline.call({ callSid: created.sid, from: HOTLINE_NUMBER, to: caller.from }), answerUrl: dial.answerUrl };
  }

  /** The caller picks up the callback and the agent answers: connected. */
  async function connected(caller: TwilioCallDriver): Promise<TwilioCallDriver> {
    const { leg, answerUrl } = await callBack(caller);
    const agentLeg = hotline.call({ from: HOTLINE_NUMBER, to: 'client:alice' });
    await agentLeg.send(answerUrl, { CallStatus: 'in-progress' });
    expect(agentLeg.verbs).toEqual([]);
    expect(await hotline.records.get(caller.callSid)).toMatchObject({ state: 'connected', agentId: 'alice' });
    return leg;
  }

  it('escalated to tier2 on the callback leg, then hung up while waiting: closed as abandoned at once, no ghost left for the sweeper', async () => {
    const caller = await callbackAsked();
    await caller.hangUp();
    const leg = await connected(caller);
    const escalated = await hotline.app.inject({
      method: 'POST',
      url: `/agent/calls/${caller.callSid}/escalation`,
      headers: bearer(ALICE),
      payload: { note: 'card fraud' },
    });
    expect(escalated.statusCode).toBe(200);
    expect(outbox('call-update').at(-1)).toMatchObject({ callSid: leg.callSid });
    await leg.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
    expect(await hotline.records.get(caller.callSid)).toMatchObject({ state: 'waiting', queue: 'tier2' });

    // Only the status callback tells: the <Enqueue action> of the hang-up never came.
    expect(await leg.hangUp()).toBe(204);
    expect(await hotline.records.get(caller.callSid)).toMatchObject({ state: 'closed', endReason: 'abandoned' });
    expect(await hotline.records.list('tier2')).toEqual([]);
  });

  it('the caller took the callback while still on hold: the hang-up of the inbound call does not end the conversation on the leg', async () => {
    const caller = await callbackAsked();
    const leg = await connected(caller);
    // The inbound call's next wait round sends it out of the waiting room; it is hung up.
    await caller.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
    expect(caller.verbs).toEqual([expect.objectContaining({ verb: 'Leave' })]);
    await caller.send(`${TEST_BASE_URL}/voice/queue/left`, { QueueResult: 'hangup' });
    expect(await caller.hangUp()).toBe(204);
    expect(await hotline.records.get(caller.callSid)).toMatchObject({ state: 'connected', agentId: 'alice', callerOnLine: true });
    expect(await hotline.store.handoffs.heldBy('alice')).toBe(caller.callSid);

    expect(await leg.hangUp()).toBe(204);
    expect(await hotline.records.get(caller.callSid)).toMatchObject({ state: 'ended', endReason: 'caller-hung-up' });
  });

  it('a late status callback of an earlier callback leg does not touch the dial or the conversation of the current one', async () => {
    const caller = await callbackAsked();
    await caller.hangUp();
    const { leg: first } = await callBack(caller);
    // The first leg rang out, but its status callback is late: the lease lapses and the retry comes due.
    hotline.clock.advance((hotline.config.handoff.callbackRingSeconds + 10) * 1000 + 1000);
    expect((await hotline.sweep()).lapsed).toEqual([caller.callSid]);
    hotline.clock.advance(hotline.config.handoff.callbackRetrySeconds * 1000);
    await hotline.sweep();
    await hotline.app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(ALICE), payload: { available: true } });
    const { leg: second, answerUrl } = await callBack(caller);
    expect(second.callSid).not.toBe(first.callSid);

    const late = await injectWebhook(hotline.app, first.request(`${TEST_BASE_URL}/voice/status`, { CallStatus: 'no-answer' }));
    expect(late.statusCode).toBe(204);
    expect(await hotline.records.get(caller.callSid)).toMatchObject({ state: 'callback-dialling', callbackDials: 2 });

    const agentLeg = hotline.call({ from: HOTLINE_NUMBER, to: 'client:alice' });
    await agentLeg.send(answerUrl, { CallStatus: 'in-progress' });
    expect(agentLeg.verbs).toEqual([]);
    expect(await first.hangUp()).toBe(204);
    expect(await hotline.records.get(caller.callSid)).toMatchObject({ state: 'connected', agentId: 'alice' });
  });
});

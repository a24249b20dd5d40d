import { Writable } from 'node:stream';
import { readTwiml } from '../../scripts/lib/twiml-reader';
import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { ALICE, BOB, bearer } from '../agent-api/agent-test-kit';
import { ManualScheduler } from '../support/manual-scheduler';
import { ManualClock, startTestHotline, type TestHotline } from '../support/test-app';

/**
 * SPEC §4.1 "a connected call is never offered again", when the store blips just as the agent
 * answers: the agent is connected anyway and the answer is recorded in the background, on the
 * app's clock (the retries are the app's scheduler's, here moved by hand with the clock), before
 * the lease lapses. The chaos model found the retries ran on wall-clock time, so a clock that
 * moved on faster lapsed the lease of a live conversation and reaped it as a lost hang-up.
 */
describe('the store blips as the agent answers', () => {
  let hotline: TestHotline;
  let scheduler: ManualScheduler;
  const logged: Array<{ level: number; msg: string; callSid?: string }> = [];

  beforeEach(async () => {
    const clock = new ManualClock();
    scheduler = new ManualScheduler(clock);
    logged.length = 0;
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line));
        done();
      },
    });
    hotline = await startTestHotline({ clock, deps: { scheduler }, logDestination, logLevel: 'info' });
  });
  afterEach(() => hotline.close());

  const claim = (token: string) => hotline.app.inject({ method: 'POST', url: '/agent/claims', headers: bearer(token) });

  async function offeredToAlice(): Promise<{ call: TwilioCallDriver; answerUrl: string }> {
    const call = await hotline.call().dial();
    await call.press('0');
    expect((await hotline.app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(ALICE), payload: { available: true } })).statusCode).toBe(200);
    expect((await claim(ALICE)).statusCode).toBe(200);
    const update = hotline.twilio.outbox().filter((entry) => entry.kind === 'call-update').at(-1) as { twiml: string };
    const dial = readTwiml(update.twiml).find((verb) => verb.verb === 'Dial') as { answerUrl: string };
    return { call, answerUrl: dial.answerUrl };
  }

  /** The agent's leg answers; the store refuses the next `failures` reads of the record. */
  async function answerDuringBlip(answerUrl: string, failures: number): Promise<void> {
    const read = jest.spyOn(hotline.store.handoffs, 'read');
    for (let n = 0; n < failures; n++) read.mockRejectedValueOnce(new Error('store down'));
    const leg = hotline.call({ to: 'client:alice' });
    await leg.send(answerUrl, { CallStatus: 'in-progress' });
    // Empty TwiML: the bridge completes, the agent and the caller talk.
    expect(leg.verbs).toEqual([]);
  }

  it('the answer is recorded a second later on the app\'s clock, and the call is not offered again past its lease', async () => {
    const { call, answerUrl } = await offeredToAlice();
    await answerDuringBlip(answerUrl, 1);
    expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'offered' });
    expect(scheduler.pending).toBe(1);

    hotline.clock.advance(999);
    expect(await scheduler.runDue()).toBe(0);
    hotline.clock.advance(1);
    expect(await scheduler.runDue()).toBe(1);
    expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'connected', agentId: 'alice' });
    expect(logged.some((line) => line.msg === 'answer recorded after a store blip' && line.callSid === call.callSid)).toBe(true);

    hotline.clock.advance(hotline.config.handoff.leaseSeconds * 2000);
    expect((await hotline.sweep()).lapsed).toEqual([]);
    expect((await hotline.app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(BOB), payload: { available: true } })).statusCode).toBe(200);
    expect((await claim(BOB)).statusCode).toBe(204);
    expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'connected', agentId: 'alice' });
  });

  it('a blip that lasts the whole lease: retried every second until the lease is over, then an error, and nothing else is touched', async () => {
    const { call, answerUrl } = await offeredToAlice();
    const before = await hotline.records.get(call.callSid);
    const { leaseMs, callbackLeaseMs } = hotline.records.rules;
    const attempts = Math.ceil(Math.max(leaseMs, callbackLeaseMs) / 1000);
    await answerDuringBlip(answerUrl, attempts + 1);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      hotline.clock.advance(1000);
      expect(await scheduler.runDue()).toBe(1);
    }
    // The last try came no earlier than the lease's end: a shorter outage would have been recorded.
    expect(hotline.clock.now()).toBeGreaterThanOrEqual(before!.leaseUntil!);
    expect(scheduler.pending).toBe(0);
    expect(await hotline.records.get(call.callSid)).toEqual(before);
    expect(logged.filter((line) => line.level === 50 && line.callSid === call.callSid).map((line) => line.msg)).toEqual([
      'could not record the answer; connecting anyway and recording it in the background',
      `an answered call could not be recorded as connected after ${attempts} attempts`,
    ]);
  });

  it.each<{ who: string; fields: Record<string, string>; ends: string }>([
    { who: 'the caller', fields: { DialCallStatus: 'completed', CallStatus: 'completed' }, ends: 'caller-hung-up' },
    { who: 'the agent', fields: { DialCallStatus: 'completed' }, ends: 'agent-hung-up' },
  ])('$who hangs up before the retry: the Dial action (completed) records the answer, and the wrap-up is stored', async ({ fields, ends }) => {
    const { call, answerUrl } = await offeredToAlice();
    await answerDuringBlip(answerUrl, 1);
    const update = hotline.twilio.outbox().filter((entry) => entry.kind === 'call-update').at(-1) as { twiml: string };
    const dial = readTwiml(update.twiml).find((verb) => verb.verb === 'Dial') as { action: string };
    await call.send(dial.action, fields);
    expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'ended', endReason: ends, agentId: 'alice' });
    const wrapUp = await hotline.app.inject({ method: 'POST', url: `/agent/calls/${call.callSid}/wrap-up`, headers: bearer(ALICE), payload: { note: 'refund explained', resolved: true } });
    expect(wrapUp.statusCode).toBe(204);
    expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'closed', endReason: ends, wrapUp: { agentId: 'alice', note: 'refund explained' } });
    // The background retry finds the answer recorded, and says so.
    hotline.clock.advance(1000);
    expect(await scheduler.runDue()).toBe(1);
    expect(logged.some((line) => line.msg === 'answer recorded after a store blip' && line.callSid === call.callSid)).toBe(true);
    expect(logged.filter((line) => line.level === 50).map((line) => line.msg)).toEqual(['could not record the answer; connecting anyway and recording it in the background']);
  });

  it('a retry that finds the claim gone (its lease lapsed first) says so as an error, not as recorded', async () => {
    const { call, answerUrl } = await offeredToAlice();
    await answerDuringBlip(answerUrl, 1);
    hotline.clock.advance(hotline.config.handoff.leaseSeconds * 1000 + 1000);
    expect((await hotline.sweep()).lapsed).toEqual([call.callSid]);
    expect(await scheduler.runDue()).toBe(1);
    expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'waiting' });
    expect(logged.some((line) => line.msg === 'answer recorded after a store blip')).toBe(false);
    expect(logged.some((line) => line.level === 50 && line.msg === 'an answered call could not be recorded as connected: its claim moved on meanwhile')).toBe(true);
  });
});

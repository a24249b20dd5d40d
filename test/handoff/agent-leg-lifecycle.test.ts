import { readTwiml } from '../../scripts/lib/twiml-reader';
import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { ALICE, BOB, bearer } from '../agent-api/agent-test-kit';
import { injectWebhook, prompt, startTestHotline, TEST_BASE_URL, type TestHotline } from '../support/test-app';
import { testRedis, uniquePrefix, deletePrefix } from '../support/redis';

/** SPEC §4.1, bullet by bullet, as whole calls through the webhooks and the agent API. */
describe('the agent leg lifecycle (SPEC §4.1)', () => {
  let hotline: TestHotline;
  beforeEach(async () => {
    hotline = await startTestHotline();
  });
  afterEach(() => hotline.close());

  const outbox = (kind: string) => hotline.twilio.outbox().filter((entry) => entry.kind === kind);

  async function available(token: string, app = hotline.app) {
    const response = await app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(token), payload: { available: true } });
    expect(response.statusCode).toBe(200);
  }
  const claim = (token: string, app = hotline.app) => app.inject({ method: 'POST', url: '/agent/claims', headers: bearer(token) });
  const wrapUp = (token: string, callSid: string, note = 'refund explained') =>
    hotline.app.inject({ method: 'POST', url: `/agent/calls/${callSid}/wrap-up`, headers: bearer(token), payload: { note, resolved: true } });

  async function waitingCaller(from?: string): Promise<TwilioCallDriver> {
    const call = await hotline.call(from ? { from } : {}).dial();
    await call.press('0');
    return call;
  }

  /** The agent's leg answers the dial of the last call update; returns the caller's Dial action. */
  async function agentAnswers(): Promise<string> {
    const update = outbox('call-update').at(-1) as { twiml: string };
    const dial = readTwiml(update.twiml).find((verb) => verb.verb === 'Dial') as { action: string; answerUrl: string };
    const leg = hotline.call({ to: 'client:agent' });
    await leg.send(dial.answerUrl, { CallStatus: 'in-progress' });
    expect(leg.verbs).toEqual([]);
    return dial.action;
  }

  /** Alice talks to a waiting caller and hangs up first: the caller hears the survey question. */
  async function agentHungUpFirst(): Promise<{ call: TwilioCallDriver; dialAction: string }> {
    const call = await waitingCaller();
    await available(ALICE);
    await claim(ALICE);
    const dialAction = await agentAnswers();
    await call.send(dialAction, { DialCallStatus: 'completed' });
    expect(call.heard).toEqual([prompt('survey.question')]);
    return { call, dialAction };
  }

  describe('one caller per agent at a time', () => {
    it('two claims by one agent on two instances at the same moment: one caller (200) and one 409', async () => {
      const redis = await testRedis();
      const prefix = uniquePrefix('one-per-agent');
      const a = await startTestHotline({ redis, prefix });
      const b = await startTestHotline({ redis, prefix, clock: a.clock });
      try {
        for (let i = 0; i < 2; i++) await (await a.call({ from: `+861390000010${i}` }).dial()).press('0');
        await available(BOB, a.app);
        const answers = await Promise.all([claim(BOB, a.app), claim(BOB, b.app)]);
        expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
        expect(await a.records.depth('tier1')).toBe(1);
      } finally {
        await a.close();
        await b.close();
        await deletePrefix(redis, prefix);
        await redis.quit();
      }
    });
  });

  describe('wrap-up is never lost', () => {
    it('the caller hung up first: the wrap-up is accepted and stored, and no survey is started', async () => {
      const call = await waitingCaller();
      await available(ALICE);
      expect((await claim(ALICE)).statusCode).toBe(200);
      await agentAnswers();
      expect(await call.hangUp()).toBe(204);
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'ended', endReason: 'caller-hung-up' });
      const updatesBefore = outbox('call-update').length;
      expect((await wrapUp(ALICE, call.callSid)).statusCode).toBe(204);
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'closed', wrapUp: { agentId: 'alice', note: 'refund explained' } });
      expect(outbox('call-update')).toHaveLength(updatesBefore);
    });

    it('the agent hung up first and the caller answered the survey: the later wrap-up is stored, the survey not asked again', async () => {
      const { call, dialAction } = await agentHungUpFirst();
      await call.press('5');
      await call.hangUp();
      const updatesBefore = outbox('call-update').length;
      expect((await wrapUp(ALICE, call.callSid)).statusCode).toBe(204);
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'closed', survey: 5, wrapUp: { agentId: 'alice' } });
      expect(outbox('call-update')).toHaveLength(updatesBefore);
    });

    it('after WRAP_UP_WINDOW_SECONDS the wrap-up is refused (409) and the record stays as it was', async () => {
      const call = await waitingCaller();
      await available(ALICE);
      await claim(ALICE);
      await agentAnswers();
      await call.hangUp();
      hotline.clock.advance(hotline.config.handoff.wrapUpWindowSeconds * 1000 + 1);
      expect((await wrapUp(ALICE, call.callSid)).statusCode).toBe(409);
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'ended' });
    });

    it('escalation and wrap-up of one call at the same moment: exactly one succeeds, the other 409', async () => {
      const call = await waitingCaller();
      await available(BOB);
      await claim(BOB);
      await agentAnswers();
      const [escalated, wrapped] = await Promise.all([
        hotline.app.inject({ method: 'POST', url: `/agent/calls/${call.callSid}/escalation`, headers: bearer(BOB), payload: { note: 'fraud' } }),
        wrapUp(BOB, call.callSid),
      ]);
      expect([escalated.statusCode === 200, wrapped.statusCode === 204].filter(Boolean)).toHaveLength(1);
      expect([escalated.statusCode, wrapped.statusCode]).toContain(409);
    });
  });

  describe('no head-of-line blocking', () => {
    it('a caller Twilio refuses for good (the call is not in progress, 21220) is closed at once; the next agent gets the next caller', async () => {
      const ghost = await waitingCaller('+8613900000201');
      hotline.clock.advance(1000);
      const next = await waitingCaller('+8613900000202');
      // Twilio knows the first call ended; our status callback never came (a lost hang-up).
      hotline.twilio.callEnded(ghost.callSid);
      await available(ALICE);
      expect((await claim(ALICE)).statusCode).toBe(502);
      expect(await hotline.records.get(ghost.callSid)).toMatchObject({ state: 'closed', endReason: 'bridge-refused' });
      const second = await claim(ALICE);
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({ callSid: next.callSid });
    });

    it('a transient failure goes back to the front at most BRIDGE_RETRIES times, then to its own place', async () => {
      const first = await waitingCaller('+8613900000301');
      hotline.clock.advance(1000);
      await waitingCaller('+8613900000302');
      await available(ALICE);
      for (let failure = 1; failure <= hotline.config.handoff.bridgeRetries + 1; failure++) {
        const answer = await claim(ALICE);
        expect(answer.json()).toMatchObject({ callSid: first.callSid });
        const update = outbox('call-update').at(-1) as { twiml: string };
        const dial = readTwiml(update.twiml).find((verb) => verb.verb === 'Dial') as { action: string };
        await first.send(dial.action, { DialCallStatus: 'busy' });
        expect(first.verbs.at(-1)).toMatchObject({ verb: 'Enqueue' });
      }
      expect(await hotline.records.get(first.callSid)).toMatchObject({ state: 'waiting', bridgeFailures: hotline.config.handoff.bridgeRetries + 1 });
    });

    it('an agent whose phone rang out is marked away', async () => {
      const call = await waitingCaller();
      await available(ALICE);
      await claim(ALICE);
      const update = outbox('call-update').at(-1) as { twiml: string };
      const dial = readTwiml(update.twiml).find((verb) => verb.verb === 'Dial') as { action: string };
      await call.send(dial.action, { DialCallStatus: 'no-answer' });
      expect((await claim(ALICE)).statusCode).toBe(409);
      expect(await hotline.store.availability.isAvailable('alice')).toBe(false);
    });
  });

  describe('the Dial action of the agent leg', () => {
    it('the caller hung up while the agent\'s phone rang: closed as abandoned, the agent not blamed', async () => {
      const call = await waitingCaller();
      await available(ALICE);
      await claim(ALICE);
      const update = outbox('call-update').at(-1) as { twiml: string };
      const dial = readTwiml(update.twiml).find((verb) => verb.verb === 'Dial') as { action: string };
      await call.send(dial.action, { DialCallStatus: 'canceled', CallStatus: 'completed' });
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'closed', endReason: 'abandoned' });
      expect(await hotline.store.availability.isAvailable('alice')).toBe(true);
      expect((await claim(ALICE)).statusCode).toBe(204);
    });

    it('a late Dial action of an earlier claim does not end the conversation of the current one', async () => {
      const call = await waitingCaller();
      await available(ALICE);
      await claim(ALICE);
      const first = readTwiml((outbox('call-update').at(-1) as { twiml: string }).twiml).find((verb) => verb.verb === 'Dial') as { action: string };
      hotline.clock.advance(hotline.config.handoff.leaseSeconds * 1000);
      expect((await hotline.sweep()).lapsed).toEqual([call.callSid]);
      await claim(ALICE);
      await agentAnswers();
      await call.send(first.action, { DialCallStatus: 'completed' });
      expect(call.verbs).toEqual([]);
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'connected', agentId: 'alice' });
    });

    it('Twilio asks the Dial action again (our first answer never reached it): the caller hears the survey again, not a hang-up', async () => {
      const { call, dialAction } = await agentHungUpFirst();
      await call.send(dialAction, { DialCallStatus: 'completed' });
      expect(call.heard).toEqual([prompt('survey.question')]);
      await call.press('4');
      expect(call.heard).toEqual([prompt('survey.thanks')]);
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'ended', survey: 4, surveyStarted: true });
      // Once answered, a further repeat has nothing left to ask.
      await call.send(dialAction, { DialCallStatus: 'completed' });
      expect(call.verbs).toEqual([]);
    });

    it('two deliveries of the Dial action at once (a retry racing the first): both answer the survey', async () => {
      const call = await waitingCaller();
      await available(ALICE);
      await claim(ALICE);
      const dialAction = await agentAnswers();
      const delivery = call.request(dialAction, { DialCallStatus: 'completed', CallStatus: 'in-progress' });
      const answers = await Promise.all([injectWebhook(hotline.app, delivery), injectWebhook(hotline.app, delivery)]);
      for (const answer of answers) expect(readTwiml(answer.body).find((verb) => verb.verb === 'Gather')).toMatchObject({ action: expect.stringContaining('/voice/survey') });
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'ended', surveyStarted: true });
    });

    it('the store fails as the agent hangs up (a failover): the caller still hears the survey in their language, no apology', async () => {
      const call = await hotline.call().dial();
      await call.press('9');
      await call.press('0');
      await available(ALICE);
      await claim(ALICE);
      const dialAction = await agentAnswers();
      expect(new URL(dialAction).searchParams.get('lang')).toBe('en-US');
      const read = jest.spyOn(hotline.store.handoffs, 'read').mockRejectedValue(new Error('store down'));
      try {
        await call.send(dialAction, { DialCallStatus: 'completed' });
      } finally {
        read.mockRestore();
      }
      expect(call.heard).toEqual([prompt('survey.question', 'en-US')]);
      await call.press('5');
      expect(call.heard).toEqual([prompt('survey.thanks', 'en-US')]);
    });
  });

  describe('ghosts are reaped', () => {
    it('a store failure while recording a hang-up answers 503 (Twilio retries) and logs an error; the retry closes the record', async () => {
      const call = await waitingCaller();
      const read = jest.spyOn(hotline.store.handoffs, 'read').mockRejectedValueOnce(new Error('store down'));
      expect(await call.hangUp()).toBe(503);
      read.mockRestore();
      expect(await call.hangUp()).toBe(204);
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'closed', endReason: 'abandoned' });
    });

    it('a waiting caller not seen for QUEUE_HEARTBEAT_SECONDS is closed as lost-hangup; one who keeps being seen stays', async () => {
      const ghost = await waitingCaller('+8613900000401');
      hotline.clock.advance(1000);
      const alive = await waitingCaller('+8613900000402');
      const heartbeat = hotline.config.handoff.heartbeatSeconds * 1000;
      hotline.clock.advance(heartbeat / 2);
      await alive.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
      hotline.clock.advance(heartbeat / 2 + 1000);
      expect((await hotline.sweep()).ghosts).toEqual([ghost.callSid]);
      expect(await hotline.records.get(ghost.callSid)).toMatchObject({ state: 'closed', endReason: 'lost-hangup' });
      expect(await hotline.records.get(alive.callSid)).toMatchObject({ state: 'waiting' });
      expect(await hotline.position(alive.callSid)).toMatchObject({ position: 1 });
    });
  });

  describe('leases cover the ring', () => {
    it('the agent dial rings AGENT_RING_SECONDS and the lease is longer; a lapsed lease puts the caller back in line', async () => {
      const call = await waitingCaller();
      await available(ALICE);
      await claim(ALICE);
      const update = outbox('call-update').at(-1) as { twiml: string };
      expect(update.twiml).toContain(`timeout="${hotline.config.handoff.agentRingSeconds}"`);
      hotline.clock.advance(hotline.config.handoff.agentRingSeconds * 1000);
      expect((await hotline.sweep()).lapsed).toEqual([]);
      hotline.clock.advance((hotline.config.handoff.leaseSeconds - hotline.config.handoff.agentRingSeconds) * 1000);
      expect((await hotline.sweep()).lapsed).toEqual([call.callSid]);
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'waiting' });
    });

    it('once the agent answered the call is connected and never offered again, also past the lease', async () => {
      const call = await waitingCaller();
      await available(ALICE);
      await claim(ALICE);
      await agentAnswers();
      hotline.clock.advance(hotline.config.handoff.leaseSeconds * 2000);
      expect((await hotline.sweep()).lapsed).toEqual([]);
      await available(BOB);
      expect((await claim(BOB)).statusCode).toBe(204);
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'connected', agentId: 'alice' });
    });

    it('a callback is dialled with CALLBACK_RING_SECONDS, at most CALLBACK_ATTEMPTS times, then closed with an SMS to the caller', async () => {
      const call = await waitingCaller('+8613900000501');
      await call.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
      await call.press('1');
      await call.hangUp();
      await available(ALICE);
      for (let dial = 1; dial <= hotline.config.handoff.callbackAttempts; dial++) {
        const answer = await claim(ALICE);
        expect(answer.statusCode).toBe(200);
        const leg = outbox('call').at(-1) as { sid: string; to: string };
        expect(leg.to).toBe(call.from);
        // The callback leg ended without reaching an agent: its status callback says so.
        expect(await hotline.call({ callSid: leg.sid, from: '+8640000000000', to: call.from }).hangUp()).toBe(204);
        expect(await hotline.records.get(call.callSid)).toMatchObject({ callbackDials: dial });
        hotline.clock.advance(hotline.config.handoff.callbackRetrySeconds * 1000);
        await hotline.sweep();
      }
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'closed', endReason: 'callback-failed' });
      expect(outbox('sms').at(-1)).toMatchObject({ to: call.from, body: prompt('sms.callbackFailed') });
      expect((await claim(ALICE)).statusCode).toBe(204);
    });
  });

  describe('every <Enqueue action> result', () => {
    it.each(['bridged', 'bridging-in-process', 'redirected', 'redirected-from-bridged'])('%s: the caller moves on, nothing is requeued', async (result) => {
      const call = await waitingCaller();
      const before = await hotline.records.get(call.callSid);
      await call.send(`${TEST_BASE_URL}/voice/queue/left`, { QueueResult: result });
      expect(call.verbs).toEqual([]);
      expect(await hotline.records.get(call.callSid)).toEqual(before);
    });

    it('hangup: the record is closed as abandoned at once', async () => {
      const call = await waitingCaller();
      await call.send(`${TEST_BASE_URL}/voice/queue/left`, { QueueResult: 'hangup' });
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'closed', endReason: 'abandoned' });
    });

    it.each(['leave', 'queue-full', 'error', 'system-error'])('%s: the caller rejoins the waiting room, keeping their place', async (result) => {
      const call = await waitingCaller();
      await call.send(`${TEST_BASE_URL}/voice/queue/left`, { QueueResult: result });
      expect(call.heard).toEqual([prompt('queue.rejoin')]);
      expect(call.verbs.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'tier1' });
      expect(await hotline.position(call.callSid)).toMatchObject({ position: 1 });
    });
  });

  describe('callers without a dialable number (SPEC §3 "Withheld numbers")', () => {
    it.each(['anonymous', '+266696687', 'sip:caller@pbx.example.com', 'client:web-visitor'])('%s reaches an agent, keyed by CallSid, without a callback offer', async (from) => {
      const call = await waitingCaller(from);
      expect(call.verbs.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'tier1' });
      await call.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
      expect(call.verbs.some((verb) => verb.verb === 'Gather')).toBe(false);
      await call.send(`${TEST_BASE_URL}/voice/queue/wait-key`, { Digits: '1' });
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'waiting', dialable: false, callbackAsked: false });
      await available(ALICE);
      const answer = await claim(ALICE);
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toMatchObject({ callSid: call.callSid, caller: 'withheld' });
    });

    it('two withheld callers are never "the same caller" (no repeat-caller priority between them)', async () => {
      const first = await waitingCaller('anonymous');
      await first.hangUp();
      const second = await waitingCaller('anonymous');
      expect(await hotline.records.get(second.callSid)).toMatchObject({ priority: 'normal' });
    });
  });
});

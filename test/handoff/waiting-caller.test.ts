import { readTwiml } from '../../scripts/lib/twiml-reader';
import { ALICE, BOB, bearer } from '../agent-api/agent-test-kit';
import { prompt, startTestHotline, TEST_BASE_URL, type TestHotline } from '../support/test-app';

describe('the caller side of the human hand-off (simulate mode, Redis)', () => {
  let hotline: TestHotline;
  beforeEach(async () => {
    hotline = await startTestHotline();
  });
  afterEach(() => hotline.close());

  /** The app's own agent API, as an agent desktop uses it: available, then take the next caller. */
  async function claimAs(token: string): Promise<void> {
    const ready = await hotline.app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(token), payload: { available: true } });
    expect(ready.statusCode).toBe(200);
    const claim = await hotline.app.inject({ method: 'POST', url: '/agent/claims', headers: bearer(token) });
    expect(claim.statusCode).toBe(200);
  }

  /** The agent's leg answers the dial the claim wrote into the caller's call. */
  async function agentAnswers(from: string): Promise<{ action: string }> {
    const update = outbox('call-update').at(-1) as { twiml: string };
    const dial = readTwiml(update.twiml).find((verb) => verb.verb === 'Dial') as { action: string };
    const answeredUrl = /url="([^"]+)"/.exec(update.twiml)![1]!.replace(/&amp;/g, '&');
    const agentLeg = hotline.call({ from, to: 'client:alice' });
    await agentLeg.send(answeredUrl, { CallStatus: 'in-progress' });
    expect(agentLeg.verbs).toEqual([]);
    return dial;
  }

  const outbox = (kind: string) => hotline.twilio.outbox().filter((entry) => entry.kind === kind);

  it('press 0 → queued with position → waits with OUR position → agent → survey stored', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    expect(call.heard).toEqual([prompt('queue.transferringFirst')]);
    const enqueue = call.verbs.find((verb) => verb.verb === 'Enqueue');
    expect(enqueue).toMatchObject({ queue: 'tier1', waitUrl: `${TEST_BASE_URL}/voice/queue/wait`, action: `${TEST_BASE_URL}/voice/queue/left` });
    expect((await hotline.records.list('tier1')).map((c) => c.callSid)).toEqual([call.callSid]);

    // Twilio's own QueuePosition is not ours: our queue says first. No agent is on duty yet: no number.
    await call.send(`${TEST_BASE_URL}/voice/queue/wait`, { QueuePosition: '7', QueueTime: '3' });
    expect(call.heard).toEqual([
      prompt('queue.wait.position', 'zh-CN', { position: 1 }),
      prompt('queue.wait.asSoonAsPossible'),
      prompt('queue.wait.callbackOffer'),
    ]);
    expect(call.gather).toMatchObject({ action: `${TEST_BASE_URL}/voice/queue/wait-key`, numDigits: 1 });
    expect(call.verbs.at(-1)).toEqual({ verb: 'Play', url: hotline.config.holdMusicUrl });

    await claimAs(ALICE);
    const update = outbox('call-update').at(-1) as { callSid: string; twiml: string };
    expect(update.callSid).toBe(call.callSid);
    const dial = readTwiml(update.twiml).find((verb) => verb.verb === 'Dial') as { target: string; action: string };
    expect(dial.target).toBe('Client:alice');
    expect(dial.action).toContain('/voice/agent/dial-ended?');
    await agentAnswers(call.from);
    expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'connected', agentId: 'alice' });

    await call.send(dial.action, { DialCallStatus: 'completed', DialCallDuration: '120' });
    expect(call.heard).toEqual([prompt('survey.question')]);
    await call.press('4');
    expect(call.heard).toEqual([prompt('survey.thanks')]);
    expect(call.verbs.at(-1)).toEqual({ verb: 'Hangup' });
    expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'ended', endReason: 'agent-hung-up', survey: 4 });
  });

  it('a caller who hangs up while waiting leaves the queue at once', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    expect(await call.hangUp()).toBe(204);
    expect(await hotline.records.list('tier1')).toEqual([]);
  });

  it('1 while waiting asks for a callback: the caller keeps their place after hanging up and is called back', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    await call.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
    await call.press('1');
    expect(call.heard).toEqual([prompt('queue.callbackRecorded')]);
    await call.send(`${TEST_BASE_URL}/voice/queue/left`, { QueueResult: 'hangup', QueueTime: '30' });
    await call.hangUp();
    expect(await hotline.records.list('tier1')).toEqual([expect.objectContaining({ callSid: call.callSid, callbackAsked: true, state: 'callback-waiting' })]);

    await claimAs(BOB);
    const created = outbox('call').at(-1) as { to: string; twiml: string; callSid: string };
    expect(created).toMatchObject({ to: call.from, callSid: call.callSid });
    const verbs = readTwiml(created.twiml);
    expect(verbs[0]).toMatchObject({ verb: 'Say', text: prompt('agent.callback') });
    expect(verbs[1]).toMatchObject({ verb: 'Dial', target: 'Client:bob' });
  });

  it('an urgent (fraud) caller goes ahead of a normal caller already waiting in tier2', async () => {
    await hotline.records.enqueue({
      callSid: `CA${'1'.repeat(32)}`, queue: 'tier2', from: '+8613900000009', dialable: true, language: 'zh-CN', identityLevel: 0,
      intent: 'account.locked', priority: 'normal', enqueuedAt: hotline.clock.now() - 60_000,
    });
    // This hotline has no wallet backend: the fraud caller cannot be verified and goes straight to the desk.
    const call = await hotline.call().dial();
    await call.press('5');
    expect(call.heard.at(-1)).toBe(prompt('queue.transferringFirst'));
    expect(await hotline.position(call.callSid)).toMatchObject({ queue: 'tier2', position: 1, size: 2 });
  });

  it('a caller who asked about the same thing within 24 h ranks as a repeat caller', async () => {
    const first = await hotline.call().dial();
    await first.press('0');
    await first.hangUp();
    const again = await hotline.call({ from: first.from }).dial();
    await again.press('0');
    expect(await hotline.records.get(again.callSid)).toMatchObject({ priority: 'repeat' });
  });

  it('a bridge that fails (no answer) puts the caller back at the FRONT and back in the waiting room', async () => {
    const first = await hotline.call({ from: '+8613900000101' }).dial();
    await first.press('0');
    hotline.clock.advance(1000);
    const second = await hotline.call({ from: '+8613900000102' }).dial();
    await second.press('0');
    await claimAs(ALICE);
    const dial = readTwiml((outbox('call-update').at(-1) as { twiml: string }).twiml).find((v) => v.verb === 'Dial') as { action: string };
    await first.send(dial.action, { DialCallStatus: 'no-answer' });
    expect(first.heard).toEqual([prompt('queue.requeued')]);
    expect(first.verbs.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'tier1' });
    expect((await hotline.records.list('tier1')).map((c) => c.callSid)).toEqual([first.callSid, second.callSid]);
  });

  it('an escalated caller leaving the agent waits again in tier2 instead of hearing the survey', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    await claimAs(ALICE);
    const dial = await agentAnswers(call.from);
    const escalated = await hotline.app.inject({
      method: 'POST',
      url: `/agent/calls/${call.callSid}/escalation`,
      headers: bearer(ALICE),
      payload: { note: 'card fraud' },
    });
    expect(escalated.statusCode).toBe(200);
    const moved = readTwiml((outbox('call-update').at(-1) as { twiml: string }).twiml);
    expect(moved.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'tier2' });
    await call.send(dial.action, { DialCallStatus: 'completed' });
    expect(call.verbs.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'tier2' });
    expect(call.heard).not.toContain(prompt('survey.question'));
  });

  it('a claim whose lease lapses is swept back to the front', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    await claimAs(ALICE);
    expect(await hotline.position(call.callSid)).toBeNull();
    hotline.clock.advance(31_000);
    expect((await hotline.sweep()).lapsed).toEqual([call.callSid]);
    expect(await hotline.position(call.callSid)).toMatchObject({ position: 1 });
  });

  it('after wrap-up the caller hears the survey; no answer twice ends with thanks', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    await claimAs(ALICE);
    await agentAnswers(call.from);
    const wrapped = await hotline.app.inject({
      method: 'POST',
      url: `/agent/calls/${call.callSid}/wrap-up`,
      headers: bearer(ALICE),
      payload: { note: 'explained the refund', resolved: true },
    });
    expect(wrapped.statusCode).toBe(204);
    const survey = readTwiml((outbox('call-update').at(-1) as { twiml: string }).twiml);
    call.verbs = survey;
    expect(call.heard).toEqual([prompt('survey.question')]);
    await call.silence();
    expect(call.heard).toEqual([prompt('hint.noInput'), prompt('survey.question')]);
    await call.silence();
    expect(call.heard).toEqual([prompt('call.goodbye')]);
    expect(call.verbs.at(-1)).toEqual({ verb: 'Hangup' });
  });
});

describe('outside business hours', () => {
  let hotline: TestHotline;
  beforeAll(async () => {
    // The test clock is Wednesday 10:00 in Shanghai: closed under these hours.
    hotline = await startTestHotline({ env: { BUSINESS_HOURS: 'sat-sun 10:00-18:00' } });
  });
  afterAll(() => hotline.close());

  const hours = '周六至周日10:00至18:00';

  it('tells the hours, queues nobody, and offers an SMS and a callback', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    expect(call.heard).toEqual([prompt('afterHours.menu', 'zh-CN', { hours })]);
    expect(call.verbs.find((verb) => verb.verb === 'Enqueue')).toBeUndefined();
    expect(await hotline.records.depth('tier1')).toBe(0);

    await call.press('2');
    expect(call.heard).toEqual([prompt('sms.sent'), prompt('afterHours.menu', 'zh-CN', { hours })]);
    const sms = hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.callSid === call.callSid);
    expect(sms).toEqual([expect.objectContaining({ body: prompt('sms.businessHours', 'zh-CN', { hours }) })]);

    await call.press('1');
    expect(call.heard).toEqual([prompt('afterHours.callbackRecorded'), prompt('main.menu')]);
    await call.hangUp();
    expect(await hotline.records.list('tier1')).toEqual([expect.objectContaining({ callSid: call.callSid, callbackAsked: true, state: 'callback-waiting' })]);
  });

  it('a caller who strikes out in the after-hours menu keeps the topic they first asked about', async () => {
    const call = await hotline.call().dial();
    await call.press('3');
    await call.press('1');
    await call.press('2');
    expect(call.heard).toEqual([prompt('afterHours.menu', 'zh-CN', { hours })]);
    for (const key of ['7', '8']) {
      await call.press(key);
      expect(call.heard[0]).toBe(prompt('hint.wrongKey'));
    }
    await call.press('9');
    expect(call.heard).toEqual([prompt('afterHours.menu', 'zh-CN', { hours })]);
    await call.press('1');
    expect(await hotline.records.get(call.callSid)).toMatchObject({ intent: 'techSupport.appCrash', callbackAsked: true, state: 'callback-waiting' });
  });

  it('# goes back to the main menu', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    await call.press('#');
    expect(call.heard).toEqual([prompt('main.menu')]);
  });
});

import { readTwiml, type Verb } from '../../scripts/lib/twiml-reader';
import { handoffCallSchema } from '../../src/agent-api/agent-api-schemas';
import type { HandoffEntry } from '../../src/handoff/record/handoff-record';
import { createIdentityEffects, type WalletEffectsFactory } from '../../src/identity/identity-effects';
import { createRedisStore } from '../../src/stores';
import { SimulatedTwilioGateway } from '../../src/twilio/simulated-twilio-gateway';
import { DemoWalletBackend } from '../../src/wallet/demo-wallet-backend';
import { loadDemoWallets } from '../../src/wallet/demo-wallet-data';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { catalogue, ManualClock, prompt, startTestHotline, TEST_BASE_URL, testConfig, type TestHotline } from '../support/test-app';
import { ALICE, BOB, CAROL, RefusingGateway, bearer, newCallSid, queuedCaller } from './agent-test-kit';

/** The real TwilioCallBridge and hand-off records, in simulate mode: call updates land in the outbox. */
describe('agent API (SPEC §5)', () => {
  let hotline: TestHotline;
  let clock: ManualClock;
  let gateway: RefusingGateway;

  beforeEach(async () => {
    clock = new ManualClock();
    gateway = new RefusingGateway(clock);
    hotline = await startTestHotline({ clock, deps: { twilio: gateway } });
  });
  afterEach(() => hotline.close());

  /** The TwiML of the last call update the hotline sent for `callSid`. */
  function lastUpdate(callSid: string): { xml: string; verbs: Verb[] } {
    const update = gateway.outbox().filter((entry) => entry.kind === 'call-update' && entry.callSid === callSid).at(-1);
    if (!update || update.kind !== 'call-update' || !update.twiml) throw new Error(`no call update for ${callSid}`);
    return { xml: update.twiml, verbs: readTwiml(update.twiml) };
  }
  const updatesFor = (callSid: string) => gateway.outbox().filter((entry) => entry.kind === 'call-update' && entry.callSid === callSid);

  const request = (method: 'GET' | 'PUT' | 'POST', url: string, token?: string, payload?: object) =>
    hotline.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload ? { payload } : {}) });
  const available = (token: string) => request('PUT', '/agent/availability', token, { available: true });
  const claim = (token: string) => request('POST', '/agent/claims', token);
  const wrapUp = (callSid: string, token: string, body: object = { note: 'Done', resolved: true }) =>
    request('POST', `/agent/calls/${callSid}/wrap-up`, token, body);
  const escalate = (callSid: string, token: string, note = 'Needs tier 2') => request('POST', `/agent/calls/${callSid}/escalation`, token, { note });
  const enqueue = (entry: HandoffEntry) => hotline.records.enqueue(entry);
  const recordOf = (callSid: string) => hotline.records.get(callSid);

  /** The agent's leg answered (what the agent-answered webhook records): offered → connected. */
  async function answer(callSid: string): Promise<void> {
    const record = await recordOf(callSid);
    expect(record).toMatchObject({ state: 'offered' });
    expect((await hotline.records.answered(callSid, record!.token!)).kind).toBe('done');
  }

  /** Queues a caller, makes the agent available and lets them take it: the call is offered to them. */
  async function takenBy(token: string, overrides: Partial<HandoffEntry> = {}) {
    const entry = queuedCaller(overrides);
    await enqueue(entry);
    await available(token);
    const response = await claim(token);
    expect(response.statusCode).toBe(200);
    expect(response.json().callSid).toBe(entry.callSid);
    return entry;
  }

  /** As takenBy, and the agent answered: the call is connected. */
  async function connectedTo(token: string, overrides: Partial<HandoffEntry> = {}) {
    const entry = await takenBy(token, overrides);
    await answer(entry.callSid);
    return entry;
  }

  describe('authentication', () => {
    // Every row has three cells: jest hands a shorter row's missing argument over as `done`.
    const calls: [string, string, object | undefined][] = [
      ['GET', '/agent/queues', undefined],
      ['PUT', '/agent/availability', { available: true }],
      ['POST', '/agent/claims', undefined],
      ['POST', `/agent/calls/${newCallSid()}/escalation`, { note: 'x' }],
      ['POST', `/agent/calls/${newCallSid()}/wrap-up`, { note: 'x', resolved: true }],
      ['GET', `/agent/calls/${newCallSid()}`, undefined],
      ['GET', '/agent/events', undefined],
    ];

    it.each(calls)('%s %s is 401 without a token, with a bad one and with another scheme', async (method, url, payload) => {
      for (const headers of [{}, bearer('not-a-token'), { authorization: `Basic ${Buffer.from('bob:bob-demo-token').toString('base64')}` }]) {
        const response = await hotline.app.inject({ method: method as 'GET', url, headers, ...(payload ? { payload } : {}) });
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(response.json()).toMatchObject({ error: 'Unauthorized' });
      }
    });

    it('takes ?token= on the event stream only: a wrong one is 401, and other calls ignore it', async () => {
      const wrong = await hotline.app.inject({ method: 'GET', url: '/agent/events?token=not-a-token' });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.headers['www-authenticate']).toMatch(/^Bearer/);
      for (const url of [`/agent/queues?token=${BOB}`, `/agent/calls/${newCallSid()}?token=${BOB}`]) {
        expect((await hotline.app.inject({ method: 'GET', url })).statusCode).toBe(401);
      }
    });
  });

  describe('GET /agent/queues', () => {
    it('lists every queue in order with masked numbers and no PII beyond the spec', async () => {
      const urgent = queuedCaller({ queue: 'tier2', priority: 'urgent', intent: 'fraud.report', from: '+8613800000003', identityLevel: 1 });
      const first = queuedCaller({ enqueuedAt: clock.now() - 90_000 });
      const second = queuedCaller({ enqueuedAt: clock.now() - 30_000, language: 'en-US', from: '+8613800000004', identityLevel: 0, walletId: undefined, subject: undefined });
      for (const entry of [second, urgent, first]) await enqueue(entry);
      expect((await hotline.records.requestCallback(second.callSid, clock.now() + 86_400_000)).kind).toBe('done');

      const response = await request('GET', '/agent/queues', ALICE);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.agent).toEqual({ id: 'alice', name: 'Alice', tiers: ['tier1'], available: false });
      expect(body.queues.map((q: { queue: string; total: number }) => [q.queue, q.total])).toEqual([
        ['tier1', 2],
        ['tier2', 1],
      ]);
      expect(body.queues[0].callers).toEqual([
        {
          callSid: first.callSid,
          position: 1,
          secondsWaited: 90,
          caller: '+86*****0001',
          language: 'zh-CN',
          identityLevel: 1,
          intent: 'transaction.failed',
          priority: 'normal',
          callbackRequested: false,
        },
        expect.objectContaining({ callSid: second.callSid, position: 2, secondsWaited: 30, caller: '+86*****0004', language: 'en-US', callbackRequested: true }),
      ]);
      expect(response.body).not.toContain('13800000001');
      expect(response.body).not.toContain('W-0001');
    });

    it('leaves out callers who are no longer waiting: offered, connected, closed', async () => {
      const taken = await connectedTo(ALICE);
      const gone = queuedCaller();
      await enqueue(gone);
      await hotline.records.callerHungUp(gone.callSid);
      const waiting = queuedCaller();
      await enqueue(waiting);
      const body = (await request('GET', '/agent/queues', ALICE)).json();
      expect(body.queues[0]).toMatchObject({ queue: 'tier1', total: 1, callers: [expect.objectContaining({ callSid: waiting.callSid, position: 1 })] });
      expect(JSON.stringify(body)).not.toContain(taken.callSid);
    });
  });

  describe('PUT /agent/availability', () => {
    it('sets only one’s own availability', async () => {
      const response = await available(BOB);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ agentId: 'bob', available: true });
      expect(await hotline.store.availability.listAvailable()).toEqual(['bob']);
      await request('PUT', '/agent/availability', BOB, { available: false });
      expect(await hotline.store.availability.isAvailable('bob')).toBe(false);
    });

    it.each([[{}], [{ available: 'yes' }], [{ available: true, agentId: 'alice' }]])('is 400 for %j', async (payload) => {
      const response = await request('PUT', '/agent/availability', BOB, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(/body/);
    });
  });

  describe('POST /agent/claims', () => {
    it('is 204 when nobody waits', async () => {
      await available(ALICE);
      const response = await claim(ALICE);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
    });

    it('is 409 for an agent marked unavailable, and leaves the caller waiting', async () => {
      const entry = queuedCaller();
      await enqueue(entry);
      const response = await claim(ALICE);
      expect(response.statusCode).toBe(409);
      expect(response.json().message).toMatch(/availability/);
      expect(await hotline.position(entry.callSid)).toMatchObject({ queue: 'tier1', position: 1 });
      expect(await recordOf(entry.callSid)).toMatchObject({ state: 'waiting', agents: [] });
    });

    it("returns the caller's context, offers the call with a <Dial> and counts earlier calls today", async () => {
      const earlier = queuedCaller();
      const entry = queuedCaller({ enqueuedAt: clock.now() - 45_000 });
      // Calls are counted when they come in, whether or not they reach an agent.
      const selfServed = await hotline.call({ from: entry.from }).dial();
      await selfServed.hangUp();
      await hotline.call({ from: entry.from, callSid: earlier.callSid }).dial();
      await hotline.call({ from: entry.from, callSid: entry.callSid }).dial();
      await enqueue(earlier);
      await available(ALICE);
      const first = await claim(ALICE);
      expect(first.json().earlierCallsToday).toBe(2);
      await answer(earlier.callSid);
      expect((await wrapUp(earlier.callSid, ALICE, { note: 'Explained the refund', resolved: true })).statusCode).toBe(204);
      await enqueue(entry);

      const response = await claim(ALICE);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        callSid: entry.callSid,
        queue: 'tier1',
        caller: '+86*****0001',
        language: 'zh-CN',
        identityLevel: 1,
        walletId: 'W-0001',
        intent: 'transaction.failed',
        subject: { kind: 'transaction', id: 'TX-20261125-0042' },
        priority: 'normal',
        callbackRequested: false,
        secondsWaited: 45,
        earlierCallsToday: 2,
        // Queued here without the IVR (no menus walked): the intent in Alice's words, nothing more.
        intentLabel: '交易失败',
        journey: [],
        selfService: [],
      });
      // Offered under a lease until the agent answers (the agent-answered webhook confirms the bridge).
      const record = await recordOf(entry.callSid);
      expect(record).toMatchObject({ state: 'offered', agentId: 'alice', agents: ['alice'], leaseUntil: expect.any(Number) });
      expect(await hotline.position(entry.callSid)).toBeNull();
      expect(await hotline.records.heldBy('alice')).toBe(entry.callSid);
      expect(lastUpdate(entry.callSid).verbs).toContainEqual(expect.objectContaining({ verb: 'Dial', target: 'Client:alice' }));
    });

    it('is 409 while the agent holds a caller (offered or connected), and free again once that call is wrapped up', async () => {
      const first = queuedCaller({ enqueuedAt: clock.now() - 60_000 });
      const second = queuedCaller({ enqueuedAt: clock.now() - 10_000 });
      await enqueue(first);
      await enqueue(second);
      await available(ALICE);
      expect((await claim(ALICE)).json().callSid).toBe(first.callSid);
      const whileRinging = await claim(ALICE);
      expect(whileRinging.statusCode).toBe(409);
      expect(whileRinging.json().message).toContain(first.callSid);
      await answer(first.callSid);
      const whileTalking = await claim(ALICE);
      expect(whileTalking.statusCode).toBe(409);
      expect(whileTalking.json().message).toContain(first.callSid);
      expect(await hotline.position(second.callSid)).toMatchObject({ position: 1 });
      expect(await recordOf(second.callSid)).toMatchObject({ state: 'waiting', agents: [] });
      expect((await wrapUp(first.callSid, ALICE)).statusCode).toBe(204);
      expect((await claim(ALICE)).json().callSid).toBe(second.callSid);
    });

    it('gives one of two simultaneous claims by one agent the caller and the other 409', async () => {
      const first = queuedCaller({ enqueuedAt: clock.now() - 60_000 });
      const second = queuedCaller({ enqueuedAt: clock.now() - 10_000 });
      await enqueue(first);
      await enqueue(second);
      await available(ALICE);
      const answers = await Promise.all([claim(ALICE), claim(ALICE)]);
      expect(answers.map((response) => response.statusCode).sort()).toEqual([200, 409]);
      expect(answers.find((response) => response.statusCode === 200)!.json().callSid).toBe(first.callSid);
      expect(await hotline.position(second.callSid)).toMatchObject({ position: 1 });
      expect(await recordOf(second.callSid)).toMatchObject({ state: 'waiting', agents: [] });
    });

    it('gives a tier2 agent the tier2 caller first, and a tier1 agent never a tier2 caller', async () => {
      const tier1 = queuedCaller({ enqueuedAt: clock.now() - 600_000 });
      const tier2 = queuedCaller({ queue: 'tier2', priority: 'urgent', intent: 'account.locked.suspicious', identityLevel: 2 });
      await enqueue(tier1);
      await enqueue(tier2);
      await available(BOB);
      await available(ALICE);
      await available(CAROL);
      expect((await claim(BOB)).json()).toMatchObject({ callSid: tier2.callSid, queue: 'tier2' });
      expect((await claim(CAROL)).statusCode).toBe(204);
      expect((await claim(ALICE)).json()).toMatchObject({ callSid: tier1.callSid, queue: 'tier1' });
    });

    it('puts the caller back at the front and answers 502 when Twilio fails the bridge for now', async () => {
      const first = queuedCaller({ enqueuedAt: clock.now() - 60_000 });
      const second = queuedCaller({ enqueuedAt: clock.now() - 10_000 });
      await enqueue(first);
      await enqueue(second);
      await available(ALICE);
      gateway.refuseNext = 'transient';
      const response = await claim(ALICE);
      expect(response.statusCode).toBe(502);
      expect(response.json()).toEqual({ error: 'Bad Gateway', message: expect.stringMatching(/back in line/) });
      expect(await hotline.position(first.callSid)).toMatchObject({ queue: 'tier1', position: 1 });
      expect(await recordOf(first.callSid)).toMatchObject({ state: 'waiting', bridgeFailures: 1 });
      // The agent is free again: the failed claim does not count as holding a caller.
      expect(await hotline.records.heldBy('alice')).toBeNull();
      expect((await claim(ALICE)).json().callSid).toBe(first.callSid);
    });

    it('closes the record and answers 502 when Twilio refuses the bridge for good; the next caller is not blocked', async () => {
      const first = queuedCaller({ enqueuedAt: clock.now() - 60_000 });
      const second = queuedCaller({ enqueuedAt: clock.now() - 10_000 });
      await enqueue(first);
      await enqueue(second);
      await available(ALICE);
      gateway.refuseNext = 'terminal';
      const response = await claim(ALICE);
      expect(response.statusCode).toBe(502);
      expect(response.json()).toEqual({ error: 'Bad Gateway', message: expect.stringMatching(/refused the call for good/) });
      expect(await recordOf(first.callSid)).toMatchObject({ state: 'closed', endReason: 'bridge-refused', callerOnLine: false });
      expect(await hotline.position(first.callSid)).toBeNull();
      expect(await hotline.records.heldBy('alice')).toBeNull();
      expect((await claim(ALICE)).json().callSid).toBe(second.callSid);
    });
  });

  describe('POST /agent/calls/{callSid}/escalation', () => {
    it("moves one's connected caller to the front of tier2 with the note, and a tier2 agent gets it next with the note", async () => {
      const entry = await connectedTo(ALICE, { intent: 'account.details' });
      await enqueue(queuedCaller({ queue: 'tier2', priority: 'urgent', intent: 'fraud.report' }));

      const response = await request('POST', `/agent/calls/${entry.callSid}/escalation`, ALICE, { note: '  Caller disputes a 5,000 CNY transfer  ' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ callSid: entry.callSid, queue: 'tier2', escalated: true });
      expect(await hotline.position(entry.callSid)).toMatchObject({ queue: 'tier2', position: 1 });
      expect(await recordOf(entry.callSid)).toMatchObject({ state: 'waiting', queue: 'tier2', note: 'Caller disputes a 5,000 CNY transfer', agents: ['alice'] });
      expect((await recordOf(entry.callSid))!.agentId).toBeUndefined();
      // Alice is free for the next caller.
      expect(await hotline.records.heldBy('alice')).toBeNull();
      // The caller leaves the agent for tier 2's waiting room.
      expect(lastUpdate(entry.callSid).verbs).toContainEqual(expect.objectContaining({ verb: 'Enqueue', queue: 'tier2' }));

      await available(CAROL);
      expect((await claim(CAROL)).json()).toMatchObject({ callSid: entry.callSid, queue: 'tier2', note: 'Caller disputes a 5,000 CNY transfer', earlierCallsToday: 0 });
      expect(lastUpdate(entry.callSid).verbs).toContainEqual(expect.objectContaining({ verb: 'Dial', target: 'Number:+8613900000003' }));
      expect(await recordOf(entry.callSid)).toMatchObject({ state: 'offered', agentId: 'carol', agents: ['alice', 'carol'] });
    });

    it("is 403 for another agent's call or a waiting one, 404 for an unknown call, and changes nothing", async () => {
      const entry = await connectedTo(ALICE);
      const waiting = queuedCaller();
      await enqueue(waiting);
      const forbidden = await escalate(entry.callSid, BOB, 'mine now');
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json()).toEqual({ error: 'Forbidden', message: expect.any(String) });
      expect((await escalate(waiting.callSid, BOB, 'jump')).statusCode).toBe(403);
      const unknown = await escalate(newCallSid(), ALICE, 'who');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: 'Not Found' });
      expect(await recordOf(entry.callSid)).toMatchObject({ state: 'connected', agentId: 'alice', queue: 'tier1' });
      expect(await hotline.position(waiting.callSid)).toMatchObject({ queue: 'tier1', position: 1 });
      expect(updatesFor(entry.callSid)).toHaveLength(1); // only the <Dial> to Alice
    });

    it('is 409 for a call still ringing, one that ended and one already wrapped up, and changes nothing', async () => {
      const ringing = await takenBy(ALICE);
      const stillRinging = await escalate(ringing.callSid, ALICE);
      expect(stillRinging.statusCode).toBe(409);
      expect(stillRinging.json()).toEqual({ error: 'Conflict', message: expect.stringContaining('offered') });
      expect(await recordOf(ringing.callSid)).toMatchObject({ state: 'offered', queue: 'tier1', agentId: 'alice' });

      await answer(ringing.callSid);
      await hotline.records.callerHungUp(ringing.callSid);
      const ended = await escalate(ringing.callSid, ALICE);
      expect(ended.statusCode).toBe(409);
      expect(ended.json().message).toContain('ended');

      expect((await wrapUp(ringing.callSid, ALICE)).statusCode).toBe(204);
      const closed = await escalate(ringing.callSid, ALICE);
      expect(closed.statusCode).toBe(409);
      expect(closed.json().message).toContain('closed');
      expect(await recordOf(ringing.callSid)).toMatchObject({ state: 'closed', queue: 'tier1' });
      expect(updatesFor(ringing.callSid)).toHaveLength(1); // the <Dial>; the caller was gone before the survey
    });

    it('is 502 when Twilio refuses to move the call, with the caller queued in tier2 all the same', async () => {
      const entry = await connectedTo(ALICE);
      gateway.refuseNext = 'terminal';
      const response = await escalate(entry.callSid, ALICE);
      expect(response.statusCode).toBe(502);
      expect(response.json()).toMatchObject({ error: 'Bad Gateway' });
      expect(await hotline.position(entry.callSid)).toMatchObject({ queue: 'tier2', position: 1 });
    });

    it.each([
      ['a missing note', {}, /note/],
      ['an empty note', { note: '   ' }, /note must not be empty/],
      ['a note over 2000 characters', { note: 'x'.repeat(2001) }, /at most 2000/],
      ['a note that is not text', { note: 42 }, /note/],
    ])('is 400 for %s', async (_label, payload, message) => {
      const entry = await connectedTo(ALICE);
      const response = await request('POST', `/agent/calls/${entry.callSid}/escalation`, ALICE, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(message);
      expect(await recordOf(entry.callSid)).toMatchObject({ state: 'connected', queue: 'tier1' });
    });

    it('is 400 for a malformed callSid and for a body that is not JSON', async () => {
      const bad = await request('POST', '/agent/calls/not-a-call/escalation', ALICE, { note: 'x' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/callSid must be CA/);
      const notJson = await hotline.app.inject({
        method: 'POST',
        url: `/agent/calls/${newCallSid()}/escalation`,
        headers: { ...bearer(ALICE), 'content-type': 'application/json' },
        payload: '{"note":',
      });
      expect(notJson.statusCode).toBe(400);
    });
  });

  describe('POST /agent/calls/{callSid}/wrap-up', () => {
    it('stores the wrap-up in the record, closes it, frees the agent and starts the survey', async () => {
      const entry = await connectedTo(BOB);
      clock.advance(240_000);
      const response = await wrapUp(entry.callSid, BOB, { note: 'Explained the failed transfer', resolved: true });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect(await recordOf(entry.callSid)).toMatchObject({
        state: 'closed',
        endReason: 'served',
        closedAt: clock.now(),
        surveyStarted: true,
        wrapUp: { agentId: 'bob', note: 'Explained the failed transfer', resolved: true, at: clock.now() },
      });
      expect(await hotline.position(entry.callSid)).toBeNull();
      expect(await hotline.records.heldBy('bob')).toBeNull();
      expect(lastUpdate(entry.callSid).xml).toContain(prompt('survey.question'));
      // Done is done: a second wrap-up is refused and the first one stands.
      const again = await wrapUp(entry.callSid, BOB, { note: 'again', resolved: false });
      expect(again.statusCode).toBe(409);
      expect(again.json().message).toContain('closed');
      expect((await recordOf(entry.callSid))!.wrapUp).toMatchObject({ note: 'Explained the failed transfer', resolved: true });
      expect(updatesFor(entry.callSid)).toHaveLength(2); // the <Dial> and one survey
    });

    it('is still possible after the caller hung up first: stored, no survey for a caller who is gone', async () => {
      const entry = await connectedTo(BOB);
      clock.advance(60_000);
      expect((await hotline.records.callerHungUp(entry.callSid)).kind).toBe('done');
      expect(await recordOf(entry.callSid)).toMatchObject({ state: 'ended', endReason: 'caller-hung-up', callerOnLine: false });
      // Bob is free for the next caller while the wrap-up is still due.
      expect(await hotline.records.heldBy('bob')).toBeNull();
      clock.advance(600_000);
      expect((await wrapUp(entry.callSid, BOB, { note: 'Caller hung up mid-call', resolved: false })).statusCode).toBe(204);
      expect(await recordOf(entry.callSid)).toMatchObject({
        state: 'closed',
        endReason: 'caller-hung-up',
        surveyStarted: false,
        wrapUp: { agentId: 'bob', note: 'Caller hung up mid-call', resolved: false, at: clock.now() },
      });
      expect(updatesFor(entry.callSid)).toHaveLength(1); // only the <Dial>
    });

    it('is still possible after the agent hung up first and the caller went on to the survey: stored, the survey not started twice', async () => {
      const entry = await connectedTo(BOB);
      expect((await hotline.records.agentHungUp(entry.callSid, 'bob')).kind).toBe('done');
      expect((await hotline.records.surveyStarted(entry.callSid)).kind).toBe('done');
      expect((await wrapUp(entry.callSid, BOB)).statusCode).toBe(204);
      expect(await recordOf(entry.callSid)).toMatchObject({ state: 'closed', endReason: 'agent-hung-up', surveyStarted: true, wrapUp: { agentId: 'bob' } });
      expect(updatesFor(entry.callSid)).toHaveLength(1); // only the <Dial>: the caller is in the survey already
    });

    it('is 409 once the wrap-up window after the end has passed, and 409 for a call still ringing', async () => {
      const entry = await connectedTo(BOB);
      await hotline.records.callerHungUp(entry.callSid);
      clock.advance(hotline.records.rules.wrapUpWindowMs + 1000);
      const late = await wrapUp(entry.callSid, BOB);
      expect(late.statusCode).toBe(409);
      expect(late.json()).toEqual({ error: 'Conflict', message: expect.stringContaining('ended') });
      expect((await recordOf(entry.callSid))!.wrapUp).toBeUndefined();

      const ringing = await takenBy(BOB);
      const early = await wrapUp(ringing.callSid, BOB);
      expect(early.statusCode).toBe(409);
      expect(early.json().message).toContain('offered');
      expect(await recordOf(ringing.callSid)).toMatchObject({ state: 'offered', agentId: 'bob' });
    });

    it('answers 204 when Twilio refuses the move to the survey: the wrap-up is stored all the same', async () => {
      const entry = await connectedTo(BOB);
      gateway.refuseNext = 'terminal';
      expect((await wrapUp(entry.callSid, BOB, { note: 'Line dropped as I finished', resolved: true })).statusCode).toBe(204);
      expect(await recordOf(entry.callSid)).toMatchObject({ state: 'closed', wrapUp: { agentId: 'bob', note: 'Line dropped as I finished' } });
      expect(updatesFor(entry.callSid)).toHaveLength(1); // the refused survey update never reached the outbox
    });

    it('lets exactly one of an escalation and a wrap-up of one call at the same moment succeed; the other is 409', async () => {
      const entry = await connectedTo(BOB);
      const [escalation, wrap] = await Promise.all([escalate(entry.callSid, BOB), wrapUp(entry.callSid, BOB)]);
      const codes = [escalation.statusCode, wrap.statusCode];
      expect(codes.filter((code) => code === 409)).toHaveLength(1);
      const record = await recordOf(entry.callSid);
      if (escalation.statusCode === 200) {
        expect(record).toMatchObject({ state: 'waiting', queue: 'tier2' });
        expect(record!.wrapUp).toBeUndefined();
      } else {
        expect(wrap.statusCode).toBe(204);
        expect(record).toMatchObject({ state: 'closed', queue: 'tier1', wrapUp: { agentId: 'bob' } });
        expect(await hotline.position(entry.callSid)).toBeNull();
      }
    });

    it("is 403 for another agent's call, 404 for an unknown one, and stores nothing", async () => {
      const entry = await connectedTo(BOB);
      const response = await wrapUp(entry.callSid, ALICE, { note: 'not mine', resolved: false });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: 'Forbidden', message: expect.any(String) });
      expect((await wrapUp(newCallSid(), BOB)).statusCode).toBe(404);
      const record = await recordOf(entry.callSid);
      expect(record).toMatchObject({ state: 'connected', agentId: 'bob' });
      expect(record!.wrapUp).toBeUndefined();
      expect(updatesFor(entry.callSid)).toHaveLength(1); // only the <Dial> to Bob
    });

    it.each([
      ['resolved missing', { note: 'done' }, /resolved/],
      ['resolved not a boolean', { note: 'done', resolved: 'true' }, /resolved must be true or false/],
      ['note missing', { resolved: true }, /note/],
      ['note too long', { note: 'x'.repeat(2001), resolved: true }, /at most 2000/],
      ['summary too long', { note: 'done', resolved: true, summary: '很'.repeat(281) }, /summary must be at most 280/],
      ['summary not a string', { note: 'done', resolved: true, summary: 42 }, /summary must be a string/],
    ])('is 400 with %s', async (_label, payload, message) => {
      const entry = await connectedTo(BOB);
      const response = await wrapUp(entry.callSid, BOB, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(message);
      expect(await recordOf(entry.callSid)).toMatchObject({ state: 'connected' });
      expect((await recordOf(entry.callSid))!.wrapUp).toBeUndefined();
    });
  });

  describe('GET /agent/calls/{callSid}', () => {
    // `history` comes only from a call records database, which this app has none of.
    const fields = Object.keys(handoffCallSchema.shape).filter((field) => field !== 'history').sort();

    it('gives the agent holding the call its record, with the fields of the schema and nothing more', async () => {
      const entry = await takenBy(BOB, { enqueuedAt: clock.now() - 30_000 });
      const offered = await request('GET', `/agent/calls/${entry.callSid}`, BOB);
      expect(offered.statusCode).toBe(200);
      expect(Object.keys(offered.json()).sort()).toEqual(fields);
      expect(offered.json()).toEqual({
        callSid: entry.callSid,
        state: 'offered',
        queue: 'tier1',
        agentId: 'bob',
        caller: '+86*****0001',
        language: 'zh-CN',
        identityLevel: 1,
        intent: 'transaction.failed',
        callbackRequested: false,
        note: null,
        queuedAt: new Date(clock.now() - 30_000).toISOString(),
        connectedAt: null,
        endedAt: null,
        endReason: null,
        wrapUp: null,
        survey: null,
        intentLabel: '交易失败',
        journey: [],
        selfService: [],
      });

      await answer(entry.callSid);
      clock.advance(5_000);
      expect((await request('GET', `/agent/calls/${entry.callSid}`, BOB)).json()).toMatchObject({
        state: 'connected',
        connectedAt: new Date(clock.now() - 5_000).toISOString(),
      });
      await hotline.records.callerHungUp(entry.callSid);
      expect((await request('GET', `/agent/calls/${entry.callSid}`, BOB)).json()).toMatchObject({
        state: 'ended',
        endedAt: new Date(clock.now()).toISOString(),
        endReason: 'caller-hung-up',
        wrapUp: null,
      });
    });

    it('still gives it after the wrap-up and the survey, and to an agent who held it before an escalation', async () => {
      const entry = await connectedTo(ALICE);
      expect((await escalate(entry.callSid, ALICE, 'Disputed transfer')).statusCode).toBe(200);
      await available(CAROL);
      expect((await claim(CAROL)).json().callSid).toBe(entry.callSid);
      await answer(entry.callSid);
      expect((await wrapUp(entry.callSid, CAROL, { note: 'Refund started', resolved: true })).statusCode).toBe(204);
      expect((await hotline.records.surveyAnswered(entry.callSid, 4)).kind).toBe('done');

      for (const token of [CAROL, ALICE]) {
        const response = await request('GET', `/agent/calls/${entry.callSid}`, token);
        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({
          state: 'closed',
          queue: 'tier2',
          agentId: 'carol',
          note: 'Disputed transfer',
          endReason: 'served',
          wrapUp: { note: 'Refund started', resolved: true, at: new Date(clock.now()).toISOString() },
          survey: 4,
        });
      }
    });

    it('is 403 for an agent who never held the call (also while it waits), 404 for an unknown call, 400 for a malformed callSid', async () => {
      const entry = await connectedTo(ALICE);
      const waiting = queuedCaller();
      await enqueue(waiting);
      for (const callSid of [entry.callSid, waiting.callSid]) {
        const response = await request('GET', `/agent/calls/${callSid}`, BOB);
        expect(response.statusCode).toBe(403);
        expect(response.json()).toEqual({ error: 'Forbidden', message: expect.any(String) });
        expect(response.body).not.toContain('+86');
      }
      const unknown = await request('GET', `/agent/calls/${newCallSid()}`, ALICE);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: 'Not Found' });
      expect((await request('GET', '/agent/calls/CA123', ALICE)).statusCode).toBe(400);
    });

    it('never gives a PIN, a code, a wallet id or the full number, for a caller who verified by PIN through the IVR', async () => {
      // A hotline with the demo wallets behind its menus (the default one has none): its own store on a shared prefix.
      const redis = await testRedis();
      const prefix = uniquePrefix('agent-api-pin');
      const store = createRedisStore(redis, prefix);
      const twilio = new SimulatedTwilioGateway(clock);
      const wallet = new DemoWalletBackend(loadDemoWallets(), store.values, clock);
      const effects: WalletEffectsFactory = (services) => createIdentityEffects({ wallet, store, clock, catalogue, limits: testConfig().identity, ...services });
      const withWallets = await startTestHotline({ clock, redis, prefix, deps: { twilio, effects } });
      try {
        // The demo wallet W100000001 (PIN 123456): 2-1 reads the last transactions after the PIN, 0 asks for an agent.
        const pin = '123456';
        const call = await withWallets.call({ from: '+8613800000001' }).dial();
        await call.press('2');
        await call.press('1');
        await call.press(pin);
        await call.press('0');
        expect(await withWallets.records.get(call.callSid)).toMatchObject({ state: 'waiting', identityLevel: 1, walletId: 'W100000001' });
        const ask = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
          withWallets.app.inject({ method, url, headers: bearer(BOB), ...(payload ? { payload } : {}) });
        await ask('PUT', '/agent/availability', { available: true });
        expect((await ask('POST', '/agent/claims')).json().callSid).toBe(call.callSid);
        const response = await ask('GET', `/agent/calls/${call.callSid}`);
        expect(response.statusCode).toBe(200);
        expect(Object.keys(response.json()).sort()).toEqual(fields);
        expect(response.json()).toMatchObject({ identityLevel: 1, caller: '+86*****0001', state: 'offered' });
        expect(response.body).not.toContain(pin);
        expect(response.body).not.toContain('13800000001');
        expect(response.body).not.toContain('W100000001');
        expect(response.body).not.toMatch(/pin|code|wallet|token/i);
      } finally {
        await withWallets.close();
        await deletePrefix(redis, prefix);
        await redis.quit();
      }
    });
  });

  describe('a whole call', () => {
    it('caller presses 0 → Bob takes them through the API → agent answers → wrap-up → caller rates 5', async () => {
      const call = await hotline.call({ from: '+8613800000004' }).dial();
      await call.press('0');
      expect(call.verbs).toContainEqual(expect.objectContaining({ verb: 'Enqueue', queue: 'tier1' }));

      const queues = (await request('GET', '/agent/queues', BOB)).json();
      expect(queues.queues[0].callers).toEqual([expect.objectContaining({ callSid: call.callSid, position: 1, caller: '+86*****0004', identityLevel: 0 })]);

      await available(BOB);
      clock.advance(20_000);
      const taken = await claim(BOB);
      expect(taken.statusCode).toBe(200);
      expect(taken.json()).toMatchObject({ callSid: call.callSid, queue: 'tier1', caller: '+86*****0004', secondsWaited: 20, earlierCallsToday: 0 });
      expect(await recordOf(call.callSid)).toMatchObject({ state: 'offered', agentId: 'bob' });

      // Twilio runs the <Dial>; the agent's leg answering confirms the bridge.
      const { xml, verbs } = lastUpdate(call.callSid);
      expect(verbs).toContainEqual(expect.objectContaining({ verb: 'Dial', target: 'Client:bob' }));
      const answeredUrl = /url="([^"]+)"/.exec(xml)![1]!.replace(/&amp;/g, '&');
      await hotline.call({ from: call.from, to: 'client:bob' }).send(answeredUrl, { CallStatus: 'in-progress' });
      expect(await recordOf(call.callSid)).toMatchObject({ state: 'connected', agentId: 'bob' });

      const wrap = await wrapUp(call.callSid, BOB, { note: 'Explained QR pay limits', resolved: true });
      expect(wrap.statusCode).toBe(204);
      const survey = lastUpdate(call.callSid).verbs.find((verb): verb is Extract<Verb, { verb: 'Gather' }> => verb.verb === 'Gather')!;
      await call.send(survey.action, { Digits: '5', CallStatus: 'in-progress' });
      expect(call.heard).toEqual([prompt('survey.thanks')]);
      expect(await recordOf(call.callSid)).toMatchObject({ state: 'closed', survey: 5, wrapUp: { agentId: 'bob', resolved: true, note: 'Explained QR pay limits' } });
      expect(survey.action.startsWith(TEST_BASE_URL)).toBe(true);
      expect((await request('GET', `/agent/calls/${call.callSid}`, BOB)).json()).toMatchObject({ state: 'closed', survey: 5 });
    });
  });

  describe('OpenAPI at /docs', () => {
    it('documents the seven calls and the four of supervisors with bearer security, and only them', async () => {
      const response = await hotline.app.inject({ method: 'GET', url: '/docs/json' });
      expect(response.statusCode).toBe(200);
      const doc = response.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/agent/calls/{callSid}',
        '/agent/calls/{callSid}/escalation',
        '/agent/calls/{callSid}/wrap-up',
        '/agent/claims',
        '/agent/events',
        '/agent/queues',
        '/agent/availability',
        '/supervisor/calls',
        '/supervisor/calls.csv',
        '/supervisor/overview',
        '/supervisor/events',
      ].sort());
      expect(Object.keys(doc.paths['/agent/claims'].post.responses).sort()).toEqual(['200', '204', '401', '409', '502']);
      expect(Object.keys(doc.paths['/agent/calls/{callSid}'].get.responses).sort()).toEqual(['200', '401', '403', '404']);
      for (const path of Object.values(doc.paths) as Record<string, { security: unknown }>[]) {
        for (const operation of Object.values(path)) expect(operation.security).toEqual([{ bearerAuth: [] }]);
      }
      const ui = await hotline.app.inject({ method: 'GET', url: '/docs' });
      expect([200, 302]).toContain(ui.statusCode);
    });

    it('documents the caller context of the claim and the record, and the wrap-up summary', async () => {
      const doc = (await hotline.app.inject({ method: 'GET', url: '/docs/json' })).json();
      const claimed = doc.paths['/agent/claims'].post.responses['200'].content['application/json'].schema;
      const record = doc.paths['/agent/calls/{callSid}'].get.responses['200'].content['application/json'].schema;
      for (const schema of [claimed, record]) {
        expect(schema.required).toEqual(expect.arrayContaining(['intentLabel', 'journey', 'selfService']));
        expect(schema.properties.journey).toMatchObject({ type: 'array', items: { type: 'string' } });
        expect(schema.properties.selfService.items.required).toEqual(expect.arrayContaining(['kind', 'at', 'text']));
        expect(schema.properties.selfService.items.properties).toHaveProperty('ref');
      }
      const wrapUpBody = doc.paths['/agent/calls/{callSid}/wrap-up'].post.requestBody.content['application/json'].schema;
      expect(wrapUpBody.properties.summary).toMatchObject({ type: 'string', maxLength: 280 });
      expect(wrapUpBody.properties.summary.description).toMatch(/SMS/);
      expect(wrapUpBody.required).not.toContain('summary');
    });

    it('leaves the Twilio webhooks as they were: an unsigned post is still 403', async () => {
      const response = await hotline.app.inject({ method: 'POST', url: '/voice/incoming', payload: 'CallSid=CA1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(response.statusCode).toBe(403);
    });
  });

  describe('console', () => {
    it.each([
      ['/console', 'text/html'],
      ['/console/console.js', 'text/javascript'],
      ['/console/caller-context.js', 'text/javascript'],
      ['/console/console.css', 'text/css'],
    ])('serves %s as %s', async (url, type) => {
      const response = await hotline.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain(type);
    });
  });
});

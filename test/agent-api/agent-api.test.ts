import { readTwiml, type Verb } from '../../scripts/lib/twiml-reader';
import { StoreCallOutcomes } from '../../src/handoff/store-call-outcomes';
import { ManualClock, prompt, startTestHotline, TEST_BASE_URL, type TestHotline } from '../support/test-app';
import { ALICE, BOB, CAROL, RefusingGateway, bearer, newCallSid, queuedCaller } from './agent-test-kit';

/** The real TwilioCallBridge and StoreCallOutcomes, in simulate mode: call updates land in the outbox. */
describe('agent API (SPEC §5)', () => {
  let hotline: TestHotline;
  let clock: ManualClock;
  let gateway: RefusingGateway;
  let outcomes: StoreCallOutcomes;

  beforeEach(async () => {
    clock = new ManualClock();
    gateway = new RefusingGateway(clock);
    hotline = await startTestHotline({ clock, deps: { twilio: gateway } });
    outcomes = new StoreCallOutcomes(hotline.store.values);
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

  /** Queues a caller, makes the agent available and lets them take it. */
  async function takenBy(token: string, overrides = {}) {
    const entry = queuedCaller(overrides);
    await hotline.store.queue.enqueue(entry);
    await available(token);
    const response = await claim(token);
    expect(response.statusCode).toBe(200);
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
    ];

    it.each(calls)('%s %s is 401 without a token, with a bad one and with another scheme', async (method, url, payload) => {
      for (const headers of [{}, bearer('not-a-token'), { authorization: `Basic ${Buffer.from('bob:bob-demo-token').toString('base64')}` }]) {
        const response = await hotline.app.inject({ method: method as 'GET', url, headers, ...(payload ? { payload } : {}) });
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(response.json()).toMatchObject({ error: 'Unauthorized' });
      }
    });
  });

  describe('GET /agent/queues', () => {
    it('lists every queue in order with masked numbers and no PII beyond the spec', async () => {
      const urgent = queuedCaller({ queue: 'tier2', priority: 'urgent', intent: 'fraud.report', from: '+8613800000003', identityLevel: 1 });
      const first = queuedCaller({ enqueuedAt: clock.now() - 90_000 });
      const second = queuedCaller({ enqueuedAt: clock.now() - 30_000, language: 'en-US', from: '+8613800000004', identityLevel: 0, walletId: undefined, subject: undefined });
      for (const entry of [second, urgent, first]) await hotline.store.queue.enqueue(entry);
      await hotline.store.queue.requestCallback(second.callSid);

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
      await hotline.store.queue.enqueue(entry);
      const response = await claim(ALICE);
      expect(response.statusCode).toBe(409);
      expect(response.json().message).toMatch(/availability/);
      expect(await hotline.store.queue.position(entry.callSid)).toMatchObject({ position: 1 });
    });

    it("returns the caller's context, connects the call with a <Dial> and counts earlier calls today", async () => {
      const earlier = queuedCaller();
      const entry = queuedCaller({ note: undefined, enqueuedAt: clock.now() - 45_000 });
      // Calls are counted when they come in, whether or not they reach an agent.
      const selfServed = await hotline.call({ from: entry.from }).dial();
      await selfServed.hangUp();
      await hotline.call({ from: entry.from, callSid: earlier.callSid }).dial();
      await hotline.call({ from: entry.from, callSid: entry.callSid }).dial();
      await hotline.store.queue.enqueue(earlier);
      await available(ALICE);
      const first = await claim(ALICE);
      expect(first.json().earlierCallsToday).toBe(2);
      await request('POST', `/agent/calls/${earlier.callSid}/wrap-up`, ALICE, { note: 'Explained the refund', resolved: true });
      await hotline.store.queue.enqueue(entry);

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
      });
      // Claimed under a lease until the agent answers (the caller-side webhook confirms the bridge).
      expect(await hotline.store.queue.getEntry(entry.callSid)).toMatchObject({ state: 'claimed', agentId: 'alice' });
      expect(lastUpdate(entry.callSid).verbs).toContainEqual(expect.objectContaining({ verb: 'Dial', target: 'Client:alice' }));
    });

    it('is 409 while the agent still holds a caller, and free again once that call is wrapped up', async () => {
      const first = queuedCaller({ enqueuedAt: clock.now() - 60_000 });
      const second = queuedCaller({ enqueuedAt: clock.now() - 10_000 });
      await hotline.store.queue.enqueue(first);
      await hotline.store.queue.enqueue(second);
      await available(ALICE);
      expect((await claim(ALICE)).json().callSid).toBe(first.callSid);
      const busy = await claim(ALICE);
      expect(busy.statusCode).toBe(409);
      expect(busy.json().message).toContain(first.callSid);
      expect(await hotline.store.queue.position(second.callSid)).toMatchObject({ position: 1 });
      expect((await request('POST', `/agent/calls/${first.callSid}/wrap-up`, ALICE, { note: 'Done', resolved: true })).statusCode).toBe(204);
      expect((await claim(ALICE)).json().callSid).toBe(second.callSid);
    });

    it('gives a tier2 agent the tier2 caller first, and a tier1 agent never a tier2 caller', async () => {
      const tier1 = queuedCaller({ enqueuedAt: clock.now() - 600_000 });
      const tier2 = queuedCaller({ queue: 'tier2', priority: 'urgent', intent: 'account.locked.suspicious', identityLevel: 2 });
      await hotline.store.queue.enqueue(tier1);
      await hotline.store.queue.enqueue(tier2);
      await available(BOB);
      await available(ALICE);
      await available(CAROL);
      expect((await claim(BOB)).json()).toMatchObject({ callSid: tier2.callSid, queue: 'tier2' });
      expect((await claim(CAROL)).statusCode).toBe(204);
      expect((await claim(ALICE)).json()).toMatchObject({ callSid: tier1.callSid, queue: 'tier1' });
    });

    it('puts the caller back at the front and answers 502 when Twilio refuses the bridge', async () => {
      const first = queuedCaller({ enqueuedAt: clock.now() - 60_000 });
      const second = queuedCaller({ enqueuedAt: clock.now() - 10_000 });
      await hotline.store.queue.enqueue(first);
      await hotline.store.queue.enqueue(second);
      await available(ALICE);
      gateway.refuseNext = true;
      const response = await claim(ALICE);
      expect(response.statusCode).toBe(502);
      expect(response.json().message).toMatch(/front of the queue/);
      expect(await hotline.store.queue.position(first.callSid)).toMatchObject({ queue: 'tier1', position: 1 });
      expect((await claim(ALICE)).json().callSid).toBe(first.callSid);
    });
  });

  describe('POST /agent/calls/{callSid}/escalation', () => {
    it("moves one's caller to the front of tier2 with the note, and a tier2 agent gets it next with the note", async () => {
      const entry = await takenBy(ALICE, { intent: 'account.details' });
      await hotline.store.queue.enqueue(queuedCaller({ queue: 'tier2', priority: 'urgent', intent: 'fraud.report' }));

      const response = await request('POST', `/agent/calls/${entry.callSid}/escalation`, ALICE, { note: '  Caller disputes a 5,000 CNY transfer  ' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ callSid: entry.callSid, queue: 'tier2', escalated: true });
      expect(await hotline.store.queue.position(entry.callSid)).toMatchObject({ queue: 'tier2', position: 1 });
      // The caller leaves the agent for tier 2's waiting room.
      expect(lastUpdate(entry.callSid).verbs).toContainEqual(expect.objectContaining({ verb: 'Enqueue', queue: 'tier2' }));

      await available(CAROL);
      expect((await claim(CAROL)).json()).toMatchObject({ callSid: entry.callSid, queue: 'tier2', note: 'Caller disputes a 5,000 CNY transfer', earlierCallsToday: 0 });
      expect(lastUpdate(entry.callSid).verbs).toContainEqual(expect.objectContaining({ verb: 'Dial', target: 'Number:+8613900000003' }));
    });

    it("is 403 for another agent's call or a waiting one, 404 for an unknown call", async () => {
      const entry = await takenBy(ALICE);
      const waiting = queuedCaller();
      await hotline.store.queue.enqueue(waiting);
      expect((await request('POST', `/agent/calls/${entry.callSid}/escalation`, BOB, { note: 'mine now' })).statusCode).toBe(403);
      expect((await request('POST', `/agent/calls/${waiting.callSid}/escalation`, BOB, { note: 'jump' })).statusCode).toBe(403);
      expect((await request('POST', `/agent/calls/${newCallSid()}/escalation`, ALICE, { note: 'who' })).statusCode).toBe(404);
      expect(await hotline.store.queue.getEntry(entry.callSid)).toMatchObject({ state: 'claimed', agentId: 'alice', queue: 'tier1' });
    });

    it.each([
      ['a missing note', {}, /note/],
      ['an empty note', { note: '   ' }, /note must not be empty/],
      ['a note over 2000 characters', { note: 'x'.repeat(2001) }, /at most 2000/],
      ['a note that is not text', { note: 42 }, /note/],
    ])('is 400 for %s', async (_label, payload, message) => {
      const entry = await takenBy(ALICE);
      const response = await request('POST', `/agent/calls/${entry.callSid}/escalation`, ALICE, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(message);
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
    it('stores the outcome, forgets the call and starts the survey', async () => {
      const entry = await takenBy(BOB);
      clock.advance(240_000);
      const response = await request('POST', `/agent/calls/${entry.callSid}/wrap-up`, BOB, { note: 'Explained the failed transfer', resolved: true });
      expect(response.statusCode).toBe(204);
      expect(await outcomes.get(entry.callSid)).toEqual({
        callSid: entry.callSid,
        wrapUp: { agentId: 'bob', note: 'Explained the failed transfer', resolved: true, at: clock.now() },
      });
      expect(await hotline.store.queue.getEntry(entry.callSid)).toBeNull();
      expect(lastUpdate(entry.callSid).xml).toContain(prompt('survey.question'));
      // Done is done: a second wrap-up finds nothing.
      expect((await request('POST', `/agent/calls/${entry.callSid}/wrap-up`, BOB, { note: 'again', resolved: true })).statusCode).toBe(404);
    });

    it("is 403 for another agent's call and stores nothing", async () => {
      const entry = await takenBy(BOB);
      const response = await request('POST', `/agent/calls/${entry.callSid}/wrap-up`, ALICE, { note: 'not mine', resolved: false });
      expect(response.statusCode).toBe(403);
      expect(await outcomes.get(entry.callSid)).toBeNull();
      expect(updatesFor(entry.callSid)).toHaveLength(1); // only the <Dial> to Bob
    });

    it.each([
      ['resolved missing', { note: 'done' }, /resolved/],
      ['resolved not a boolean', { note: 'done', resolved: 'true' }, /resolved must be true or false/],
      ['note missing', { resolved: true }, /note/],
      ['note too long', { note: 'x'.repeat(2001), resolved: true }, /at most 2000/],
    ])('is 400 with %s', async (_label, payload, message) => {
      const entry = await takenBy(BOB);
      const response = await request('POST', `/agent/calls/${entry.callSid}/wrap-up`, BOB, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(message);
      expect(await outcomes.get(entry.callSid)).toBeNull();
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

      // Twilio runs the <Dial>; the agent's leg answering confirms the bridge.
      const { xml, verbs } = lastUpdate(call.callSid);
      expect(verbs).toContainEqual(expect.objectContaining({ verb: 'Dial', target: 'Client:bob' }));
      const answeredUrl = /url="([^"]+)"/.exec(xml)![1]!.replace(/&amp;/g, '&');
      await hotline.call({ from: call.from, to: 'client:bob' }).send(answeredUrl, { CallStatus: 'in-progress' });
      expect(await hotline.store.queue.getEntry(call.callSid)).toMatchObject({ state: 'connected', agentId: 'bob' });

      const wrapUp = await request('POST', `/agent/calls/${call.callSid}/wrap-up`, BOB, { note: 'Explained QR pay limits', resolved: true });
      expect(wrapUp.statusCode).toBe(204);
      const survey = lastUpdate(call.callSid).verbs.find((verb): verb is Extract<Verb, { verb: 'Gather' }> => verb.verb === 'Gather')!;
      await call.send(survey.action, { Digits: '5', CallStatus: 'in-progress' });
      expect(call.heard).toEqual([prompt('survey.thanks')]);
      expect(await outcomes.get(call.callSid)).toMatchObject({ survey: 5, wrapUp: { agentId: 'bob', resolved: true } });
      expect(survey.action.startsWith(TEST_BASE_URL)).toBe(true);
    });
  });

  describe('OpenAPI at /docs', () => {
    it('documents the five calls with bearer security, and only them', async () => {
      const response = await hotline.app.inject({ method: 'GET', url: '/docs/json' });
      expect(response.statusCode).toBe(200);
      const doc = response.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/agent/calls/{callSid}/escalation',
        '/agent/calls/{callSid}/wrap-up',
        '/agent/claims',
        '/agent/queues',
        '/agent/availability',
      ].sort());
      expect(Object.keys(doc.paths['/agent/claims'].post.responses).sort()).toEqual(['200', '204', '401', '409', '502']);
      for (const path of Object.values(doc.paths) as Record<string, { security: unknown }>[]) {
        for (const operation of Object.values(path)) expect(operation.security).toEqual([{ bearerAuth: [] }]);
      }
      const ui = await hotline.app.inject({ method: 'GET', url: '/docs' });
      expect([200, 302]).toContain(ui.statusCode);
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
      ['/console/console.css', 'text/css'],
    ])('serves %s as %s', async (url, type) => {
      const response = await hotline.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain(type);
    });
  });
});

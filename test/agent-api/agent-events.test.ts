import type { Redis } from 'ioredis';
import type { HandoffEntry } from '../../src/handoff/record/handoff-record';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { ManualClock, startTestHotline, type TestHotline } from '../support/test-app';
import { ALICE, BOB, bearer, queuedCaller } from './agent-test-kit';
import { baseUrlOf, EventStreamClient, type ServerSentEvent } from './event-stream-client';

const isCall = (callSid: string, state?: string) => (event: ServerSentEvent) =>
  event.event === 'call' && event.data.callSid === callSid && (state === undefined || event.data.state === state);
const listsCaller = (callSid: string) => (event: ServerSentEvent) =>
  event.event === 'queues' && (event.data.queues as Array<{ callers: Array<{ callSid: string }> }>).some((q) => q.callers.some((c) => c.callSid === callSid));

/** GET /agent/events (SPEC §5): the app listens on a loopback port and the stream is read with node:http. */
describe.each(['redis', 'memory'] as const)('GET /agent/events (%s store)', (storeKind) => {
  let hotline: TestHotline;
  let baseUrl: string;
  let closed: Promise<void> | undefined;
  const streams: EventStreamClient[] = [];
  const close = () => (closed ??= hotline.close());

  beforeEach(async () => {
    closed = undefined;
    hotline = await startTestHotline({ store: storeKind, clock: new ManualClock() });
    await hotline.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = baseUrlOf(hotline.app);
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await close();
  });

  async function open(token: string | undefined, how: 'header' | 'query' = 'header'): Promise<EventStreamClient> {
    const path = how === 'query' && token !== undefined ? `/agent/events?token=${encodeURIComponent(token)}` : '/agent/events';
    const stream = await EventStreamClient.open(baseUrl, path, how === 'header' && token !== undefined ? bearer(token) : {});
    streams.push(stream);
    return stream;
  }
  const inject = (method: 'GET' | 'PUT' | 'POST', url: string, token: string, payload?: object) =>
    hotline.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  const claim = async (token: string, entry: HandoffEntry) => {
    await inject('PUT', '/agent/availability', token, { available: true });
    const response = await inject('POST', '/agent/claims', token);
    expect(response.json().callSid).toBe(entry.callSid);
  };
  const answer = async (callSid: string) => {
    const record = await hotline.records.get(callSid);
    expect((await hotline.records.answered(callSid, record!.token!)).kind).toBe('done');
  };

  it('is text/event-stream and starts with a `queues` event: the body of GET /agent/queues', async () => {
    const waiting = queuedCaller();
    await hotline.records.enqueue(waiting);
    const stream = await open(ALICE);
    expect(stream.status).toBe(200);
    expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.response.headers['cache-control']).toBe('no-cache');
    const first = await stream.next(() => true);
    expect(first.event).toBe('queues');
    const polled = (await inject('GET', '/agent/queues', ALICE)).json();
    expect(first.data).toEqual({ queues: polled.queues });
    expect(first.data.queues[0].callers).toEqual([expect.objectContaining({ callSid: waiting.callSid, position: 1, caller: '+86*****0001' })]);
    expect(JSON.stringify(first.data)).not.toContain('13800000001');
  });

  it('sends `queues` again when a caller is queued, by the records or by a call through the webhooks', async () => {
    const stream = await open(BOB);
    await stream.next('queues');
    const entry = queuedCaller();
    await hotline.records.enqueue(entry);
    const queued = await stream.next(listsCaller(entry.callSid));
    expect(queued.data.queues[0]).toMatchObject({ queue: 'tier1', total: 1 });

    const call = await hotline.call({ from: '+8613800000004' }).dial();
    await call.press('0');
    const second = await stream.next(listsCaller(call.callSid));
    expect(second.data.queues[0]).toMatchObject({ queue: 'tier1', total: 2 });
    expect(second.data.queues[0].callers.map((c: { callSid: string }) => c.callSid)).toEqual([entry.callSid, call.callSid]);
    // The caller leaves the list when an agent takes them.
    await claim(BOB, entry);
    const after = await stream.next((event) => event.event === 'queues' && !listsCaller(entry.callSid)(event));
    expect(after.data.queues[0].total).toBe(1);
  });

  it('sends `call` whenever one of the agent’s calls changes state: offered, connected, ended, closed', async () => {
    const entry = queuedCaller();
    await hotline.records.enqueue(entry);
    const stream = await open(ALICE);
    await stream.next('queues');

    await claim(ALICE, entry);
    expect((await stream.next('call')).data).toMatchObject({ callSid: entry.callSid, state: 'offered', agentId: 'alice', caller: '+86*****0001', wrapUp: null });
    await answer(entry.callSid);
    expect((await stream.next('call')).data).toMatchObject({ callSid: entry.callSid, state: 'connected' });
    await hotline.records.callerHungUp(entry.callSid);
    expect((await stream.next('call')).data).toMatchObject({ callSid: entry.callSid, state: 'ended', endReason: 'caller-hung-up' });
    expect((await inject('POST', `/agent/calls/${entry.callSid}/wrap-up`, ALICE, { note: 'Refund explained', resolved: true })).statusCode).toBe(204);
    const closed = await stream.next('call');
    expect(closed.data).toMatchObject({ callSid: entry.callSid, state: 'closed', wrapUp: { note: 'Refund explained', resolved: true } });
    expect(Object.keys(closed.data)).not.toContain('from');
    expect(JSON.stringify(stream.events)).not.toContain('13800000001');
  });

  it('tells a console that connects while the agent holds a call about that call at once', async () => {
    const entry = queuedCaller();
    await hotline.records.enqueue(entry);
    await claim(ALICE, entry);
    await answer(entry.callSid);
    const stream = await open(ALICE);
    expect((await stream.next(() => true)).event).toBe('queues');
    expect((await stream.next(() => true)).data).toMatchObject({ callSid: entry.callSid, state: 'connected' });
  });

  it("never sends one agent's call to another agent's stream", async () => {
    const bobs = queuedCaller({ enqueuedAt: 1_000 });
    const alices = queuedCaller({ enqueuedAt: 2_000 });
    await hotline.records.enqueue(bobs);
    await hotline.records.enqueue(alices);
    const aliceStream = await open(ALICE);
    const bobStream = await open(BOB);
    await aliceStream.next('queues');
    await bobStream.next('queues');

    await claim(BOB, bobs);
    await answer(bobs.callSid);
    expect((await bobStream.next(isCall(bobs.callSid, 'connected'))).data.agentId).toBe('bob');
    // Bob's steps were published before Alice's: once hers arrives, his would have come first.
    await claim(ALICE, alices);
    await aliceStream.next(isCall(alices.callSid, 'offered'));
    expect(aliceStream.seen((event) => event.event === 'call').map((event) => event.data.callSid)).toEqual([alices.callSid]);
    expect(bobStream.seen((event) => event.event === 'call' && event.data.callSid === alices.callSid)).toEqual([]);
  });

  it('takes the token as ?token= for EventSource; a wrong or missing token is 401', async () => {
    const byQuery = await open(BOB, 'query');
    expect(byQuery.status).toBe(200);
    expect((await byQuery.next(() => true)).event).toBe('queues');

    for (const stream of [await open('wrong-token', 'query'), await open('wrong-token'), await open(undefined)]) {
      expect(stream.status).toBe(401);
      expect(stream.response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(JSON.parse(await stream.body())).toMatchObject({ error: 'Unauthorized' });
    }
  });

  it('is ended by the server when the app closes, and the app closes', async () => {
    const stream = await open(ALICE);
    await stream.next('queues');
    const closing = close();
    let timer: NodeJS.Timeout | undefined;
    const stillOpen = new Promise((resolve) => (timer = setTimeout(() => resolve('still open'), 3000)));
    await expect(Promise.race([stream.ended.then(() => 'ended'), stillOpen])).resolves.toBe('ended');
    clearTimeout(timer);
    await closing;
  });

  it('sends each change once to each of several consoles that connected at the same moment', async () => {
    const entry = queuedCaller();
    await hotline.records.enqueue(entry);
    const both = await Promise.all([open(ALICE), open(ALICE)]);
    for (const stream of both) await stream.next('queues');
    await claim(ALICE, entry);
    await answer(entry.callSid);
    for (const stream of both) await stream.next(isCall(entry.callSid, 'connected'));
    // Give a duplicate time to arrive: the queues event after the claim is sent 100 ms after it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const stream of both) {
      expect(stream.seen((event) => event.event === 'call').map((event) => event.data.state)).toEqual(['offered', 'connected']);
    }
  });

  it('keeps sending to the streams still open after one console went away', async () => {
    const gone = await open(ALICE);
    const staying = await open(ALICE);
    await gone.next('queues');
    await staying.next('queues');
    gone.close();
    await gone.ended;
    const entry = queuedCaller();
    await hotline.records.enqueue(entry);
    await staying.next(listsCaller(entry.callSid));
  });
});

/** SPEC §5: every instance hears every step (the Redis store publishes each one it applies). */
describe('GET /agent/events across two instances on one Redis prefix', () => {
  let prefix: string;
  let connections: Redis[];
  let a: TestHotline;
  let b: TestHotline;
  const streams: EventStreamClient[] = [];

  beforeEach(async () => {
    prefix = uniquePrefix('agent-events');
    const clock = new ManualClock();
    connections = await Promise.all([testRedis(), testRedis()]);
    const [first, second] = await Promise.all(connections.map((redis) => startTestHotline({ redis, prefix, clock })));
    a = first!;
    b = second!;
    await b.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await Promise.all([a.close(), b.close()]);
    await deletePrefix(connections[0]!, prefix);
    await Promise.all(connections.map((redis) => redis.quit()));
  });

  it('a caller queued and taken on instance A reaches a console streaming from instance B', async () => {
    const stream = await EventStreamClient.open(baseUrlOf(b.app), `/agent/events?token=${ALICE}`);
    streams.push(stream);
    await stream.next('queues');

    const entry = queuedCaller();
    await a.records.enqueue(entry);
    await stream.next(listsCaller(entry.callSid));

    await a.app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(ALICE), payload: { available: true } });
    expect((await a.app.inject({ method: 'POST', url: '/agent/claims', headers: bearer(ALICE) })).json().callSid).toBe(entry.callSid);
    expect((await stream.next('call')).data).toMatchObject({ callSid: entry.callSid, state: 'offered', agentId: 'alice' });
    const record = await a.records.get(entry.callSid);
    await a.records.answered(entry.callSid, record!.token!);
    expect((await stream.next('call')).data).toMatchObject({ callSid: entry.callSid, state: 'connected' });
  });
});

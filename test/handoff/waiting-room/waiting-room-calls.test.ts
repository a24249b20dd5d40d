import { Redis } from 'ioredis';
import { RedisTripCounter } from '../../../scripts/lib/redis-trip-counter';
import type { TwilioCallDriver } from '../../../scripts/lib/twilio-call-driver';
import { ALICE, BOB, bearer } from '../../agent-api/agent-test-kit';
import { deletePrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from '../../support/redis';
import { prompt, startTestHotline, TEST_BASE_URL, type TestHotline } from '../../support/test-app';

const WAIT_URL = `${TEST_BASE_URL}/voice/queue/wait`;
const MIN = 60_000;

/** The minutes a caller heard (Mandarin): "less than a minute" is 0; null when no number was said. */
function heardMinutes(call: TwilioCallDriver): number | null {
  const text = call.heard.join('');
  if (text.includes(prompt('queue.wait.lessThanMinute'))) return 0;
  const about = /约为(\d+)分钟/.exec(text) ?? /超过(\d+)分钟/.exec(text);
  return about ? Number(about[1]) : null;
}
const heardPosition = (call: TwilioCallDriver): number | null => Number(/排在第(\d+)位/.exec(call.heard.join(''))?.[1] ?? NaN) || null;

describe('whole calls in the waiting room (Redis, webhooks as Twilio sends them)', () => {
  let hotline: TestHotline;
  afterEach(() => hotline.close());

  async function available(token: string): Promise<void> {
    const ready = await hotline.app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(token), payload: { available: true } });
    expect(ready.statusCode).toBe(200);
  }
  async function claim(token: string): Promise<void> {
    expect((await hotline.app.inject({ method: 'POST', url: '/agent/claims', headers: bearer(token) })).statusCode).toBe(200);
  }
  let numbers = 0;
  /** A caller who presses 0 and waits in tier1; each from a number of their own unless given. */
  async function queued(from = `+86139${String(10_000_000 + ++numbers)}`): Promise<TwilioCallDriver> {
    hotline.clock.advance(1000); // one after the other, as callers come
    const call = await hotline.call({ from }).dial();
    await call.press('0');
    expect(call.verbs.some((verb) => verb.verb === 'Enqueue')).toBe(true);
    return call;
  }
  /** Ten conversations of five minutes ended in tier1: what the estimate learns agents' talk times from. */
  async function talkTimes(): Promise<void> {
    for (let i = 0; i < 10; i += 1) await hotline.records.pushFigure('handles', 'tier1', String(5 * MIN));
  }
  /** The queues' figures are read at most once a second: the next round sees what changed. */
  const nextSecond = () => hotline.clock.advance(1000);

  it('a caller at the front with no history hears no number, though an agent is on duty', async () => {
    hotline = await startTestHotline();
    await available(ALICE);
    const call = await queued();
    await call.send(WAIT_URL, {});
    expect(call.heard).toEqual([prompt('queue.wait.position', 'zh-CN', { position: 1 }), prompt('queue.wait.asSoonAsPossible'), prompt('queue.wait.callbackOffer')]);
  });

  it('a position announced after a priority caller joins never goes up', async () => {
    hotline = await startTestHotline();
    await talkTimes();
    // A caller who already asked today, and hung up: when they call again they rank as a repeat caller.
    const repeat = '+8613900000777';
    const earlier = await queued(repeat);
    await earlier.hangUp();
    const first = await queued();
    const second = await queued();
    await available(ALICE);
    await claim(ALICE); // the first caller is taken: alice is busy, the second waits at the front
    expect(await hotline.records.get(first.callSid)).toMatchObject({ state: 'offered', agentId: 'alice' });
    nextSecond();
    const heard: Array<number | null> = [];
    await second.send(WAIT_URL, {});
    heard.push(heardPosition(second));
    expect(heard).toEqual([1]);

    const again = await queued(repeat);
    expect(await hotline.position(again.callSid)).toMatchObject({ position: 1 });
    expect(await hotline.position(second.callSid)).toMatchObject({ position: 2 });
    nextSecond();
    await second.send(WAIT_URL, {});
    // Moved back: no higher number, no estimate; thanks, still in line, and the way out.
    expect(second.heard).toEqual([prompt('queue.wait.stillInLine'), prompt('queue.wait.callbackOffer')]);
    heard.push(heardPosition(second));

    await available(BOB);
    await claim(BOB); // the repeat caller is taken: the second caller is at the front again
    nextSecond();
    await second.send(WAIT_URL, {});
    heard.push(heardPosition(second));
    expect(heard).toEqual([1, null, 1]);
  });

  it('callers waiting at the same moment hear estimates that never decrease with their position', async () => {
    hotline = await startTestHotline();
    await talkTimes();
    const callers: TwilioCallDriver[] = [];
    for (let i = 0; i < 7; i += 1) callers.push(await queued());
    for (const token of [ALICE, BOB]) {
      await available(token);
      await claim(token);
    }
    nextSecond();
    const told: Array<{ position: number | null; minutes: number | null }> = [];
    for (const call of callers.slice(2)) {
      await call.send(WAIT_URL, {});
      told.push({ position: heardPosition(call), minutes: heardMinutes(call) });
    }
    expect(told.map((t) => t.position)).toEqual([1, 2, 3, 4, 5]);
    const minutes = told.map((t) => t.minutes!);
    expect(minutes.every((m) => Number.isInteger(m) && m > 0)).toBe(true);
    expect(minutes).toEqual([...minutes].sort((a, b) => a - b));
    // Two agents who just took a caller, five minutes a conversation: the first two are next, the next two after another round.
    expect(minutes[0]).toBe(minutes[1]);
    expect(minutes[2]).toBeGreaterThan(minutes[1]!);
  });

  it('a live caller who gives up while waiting is a figure of patience; one who asked for a callback is not', async () => {
    hotline = await startTestHotline();
    const gaveUp = await queued();
    const calledBack = await queued();
    await calledBack.send(WAIT_URL, {});
    await calledBack.press('1');
    expect(calledBack.heard).toEqual([prompt('queue.callbackRecorded')]);
    hotline.clock.advance(3 * MIN);
    await gaveUp.hangUp();
    await calledBack.hangUp();
    const figures = await hotline.records.figures('hangUps', 'tier1');
    expect(figures).toHaveLength(1);
    expect(figures[0]).toBe(`${hotline.clock.now()}:${3 * MIN + 1000}`);
  });

  describe('round trips to Redis per wait-URL request', () => {
    let counter: RedisTripCounter;
    let proxied: Redis;
    let prefix: string;
    beforeEach(async () => {
      const url = new URL(TEST_REDIS_URL);
      counter = new RedisTripCounter(url.hostname, Number(url.port || 6379));
      proxied = new Redis(await counter.start(), '127.0.0.1', { lazyConnect: true });
      await proxied.connect();
      prefix = uniquePrefix('wait-trips');
      hotline = await startTestHotline({ redis: proxied, prefix });
    });
    afterEach(async () => {
      await hotline.close();
      await proxied.quit();
      await counter.stop();
      const redis = await testRedis();
      await deletePrefix(redis, prefix);
      await redis.quit();
    });

    it('three once the queues have been read this second, four when they are read', async () => {
      await talkTimes();
      const callers: TwilioCallDriver[] = [];
      for (let i = 0; i < 4; i += 1) callers.push(await queued());
      await available(ALICE);
      await claim(ALICE);
      const trips = async (call: TwilioCallDriver) => {
        counter.reset();
        await call.send(WAIT_URL, {});
        expect(heardMinutes(call)).not.toBeNull();
        return counter.roundTrips;
      };
      const read: number[] = [];
      const reused: number[] = [];
      for (let round = 0; round < 5; round += 1) {
        nextSecond();
        read.push(await trips(callers[1]!));
        for (const call of callers.slice(2)) reused.push(await trips(call));
      }
      // The median: a sweep of the hand-off's timers may land inside a request now and then.
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      expect(median(reused)).toBeLessThanOrEqual(3);
      expect(median(read)).toBeLessThanOrEqual(4);
    });
  });
});

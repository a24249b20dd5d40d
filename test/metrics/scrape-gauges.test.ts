import { ALICE, bearer } from '../agent-api/agent-test-kit';
import { hotlineOnPrivateRedis, type HotlineOnPrivateRedis } from '../support/private-redis';
import { sample, scrape } from '../support/scrape';
import { startTestHotline, TEST_BASE_URL, type TestHotline } from '../support/test-app';

const longest = (text: string, queue: string) => sample(text, `hotline_queue_longest_wait_seconds{queue="${queue}"}`);

describe.each(['redis', 'memory'] as const)('the longest wait on hold, read at scrape time (%s store)', (store) => {
  let hotline: TestHotline;
  beforeEach(async () => {
    hotline = await startTestHotline({ store });
  });
  afterEach(() => hotline.close());

  it('is the wait of the caller on hold longest, per queue, and 0 when nobody is on hold', async () => {
    let text = await scrape(hotline.app);
    expect(longest(text, 'tier1')).toBe(0);
    expect(longest(text, 'tier2')).toBe(0);

    const first = await hotline.call({ from: '+8613900000001' }).dial();
    await first.press('0');
    hotline.clock.advance(45_000);
    const second = await hotline.call({ from: '+8613900000002' }).dial();
    await second.press('0');
    hotline.clock.advance(75_000);

    text = await scrape(hotline.app);
    expect(longest(text, 'tier1')).toBe(120);
    expect(longest(text, 'tier2')).toBe(0);
    expect(sample(text, 'hotline_queue_depth{queue="tier1"}')).toBe(2);

    // An agent takes the first caller: the longest wait is now the second caller's.
    const ready = await hotline.app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(ALICE), payload: { available: true } });
    expect(ready.statusCode).toBe(200);
    const claim = await hotline.app.inject({ method: 'POST', url: '/agent/claims', headers: bearer(ALICE) });
    expect(claim.statusCode).toBe(200);
    expect(claim.json()).toMatchObject({ callSid: first.callSid });
    text = await scrape(hotline.app);
    expect(longest(text, 'tier1')).toBe(75);
  });

  it('leaves out a caller who hung up after asking for a callback: nobody is on hold for them', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    await call.send(`${TEST_BASE_URL}/voice/queue/wait`, {});
    await call.press('1');
    await call.send(`${TEST_BASE_URL}/voice/queue/left`, { QueueResult: 'hangup', QueueTime: '30' });
    await call.hangUp();
    hotline.clock.advance(600_000);

    const text = await scrape(hotline.app);
    expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'callback-waiting' });
    expect(sample(text, 'hotline_queue_depth{queue="tier1"}')).toBe(1);
    expect(longest(text, 'tier1')).toBe(0);
  });
});

describe('hotline_store_up: whether this instance reaches Redis', () => {
  let redis: HotlineOnPrivateRedis;
  let hotline: TestHotline;

  beforeAll(async () => {
    redis = await hotlineOnPrivateRedis();
    hotline = redis.hotline;
  });
  afterAll(() => redis.close());

  it('is 1 while Redis answers, 0 while it is gone (the scrape still answers, without queue figures), and 1 again after', async () => {
    let text = await scrape(hotline.app);
    expect(sample(text, 'hotline_store_up')).toBe(1);
    expect(sample(text, 'hotline_queue_depth{queue="tier1"}')).toBe(0);

    await redis.kill();
    text = await scrape(hotline.app);
    expect(sample(text, 'hotline_store_up')).toBe(0);
    // No stale or invented figure while the queue cannot be read.
    expect(text).toContain('# TYPE hotline_queue_depth gauge');
    expect(sample(text, 'hotline_queue_depth{queue="tier1"}')).toBeUndefined();
    expect(sample(text, 'hotline_queue_longest_wait_seconds{queue="tier1"}')).toBeUndefined();
    expect(sample(text, 'hotline_calls_total')).toBe(0);

    await redis.restart();
    let up: number | undefined = 0;
    for (let i = 0; i < 50 && up !== 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      up = sample(await scrape(hotline.app), 'hotline_store_up');
    }
    expect(up).toBe(1);
  });
});

describe('hotline_store_up with the embedded store', () => {
  it('is 1: the store is the process itself', async () => {
    const hotline = await startTestHotline({ store: 'memory' });
    try {
      expect(sample(await scrape(hotline.app), 'hotline_store_up')).toBe(1);
    } finally {
      await hotline.close();
    }
  });
});

import { startIdentityHotline, WALLETS } from '../identity/support/identity-hotline';
import { sample, scrape } from '../support/scrape';
import { startTestHotline, type TestHotline } from '../support/test-app';

describe('GET /metrics', () => {
  let hotline: TestHotline;
  beforeEach(async () => {
    hotline = await startTestHotline();
  });
  afterEach(() => hotline.close());

  it('counts calls, menu choices, hand-offs, queue depth, abandonment, containment and webhook latency', async () => {
    const selfServed = await hotline.call().dial();
    await selfServed.press('3');
    await selfServed.press('1');
    expect(await selfServed.hangUp()).toBe(204);

    const waiting = await hotline.call({ from: '+8613911112222' }).dial();
    await waiting.press('0');
    let text = await scrape(hotline.app);
    expect(sample(text, 'hotline_calls_total')).toBe(2);
    expect(sample(text, 'hotline_menu_choices_total{prompt="main.menu",key="3"}')).toBe(1);
    expect(sample(text, 'hotline_menu_choices_total{prompt="techSupport.menu",key="1"}')).toBe(1);
    expect(sample(text, 'hotline_handoffs_total{tier="tier1",reason="asked"}')).toBe(1);
    expect(sample(text, 'hotline_queue_depth{queue="tier1"}')).toBe(1);
    expect(sample(text, 'hotline_calls_ended_total{contained="true"}')).toBe(1);
    expect(sample(text, 'hotline_webhook_duration_seconds_count{route="/voice/gather",status="200"}')).toBe(3);

    expect(await waiting.hangUp()).toBe(204);
    text = await scrape(hotline.app);
    expect(sample(text, 'hotline_queue_abandoned_total{queue="tier1"}')).toBe(1);
    expect(sample(text, 'hotline_queue_depth{queue="tier1"}')).toBe(0);
    expect(sample(text, 'hotline_calls_ended_total{contained="false"}')).toBe(1);
  });
});

describe('metrics and secrets', () => {
  it('count identity failures without ever labelling a PIN', async () => {
    const hotline = await startIdentityHotline({ store: 'memory' });
    try {
      const { phone, pin } = WALLETS.active;
      const call = await hotline.call({ from: phone }).dial();
      await call.press('2');
      await call.press('1');
      await call.press('918273');
      await call.press(pin);
      const text = await scrape(hotline.app);
      expect(sample(text, 'hotline_effect_results_total{effect="verifyPin",outcome="wrong"}')).toBe(1);
      expect(sample(text, 'hotline_effect_results_total{effect="verifyPin",outcome="verified"}')).toBe(1);
      // Label values only: numbers elsewhere (heap sizes, timestamps) may contain any digits.
      const labels = text.match(/\{[^}]*\}/g) ?? [];
      expect(labels.length).toBeGreaterThan(0);
      for (const secret of [pin, '918273']) expect(labels.filter((set) => set.includes(secret))).toEqual([]);
    } finally {
      await hotline.close();
    }
  });
});

import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { ALICE, BOB, CAROL, queuedCaller } from '../agent-api/agent-test-kit';
import { launchChromium } from '../support/chromium';
import { startTestHotline, type TestHotline } from '../support/test-app';

describe('agent console in a real browser', () => {
  let hotline: TestHotline;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  /** Every /agent/queues request the page made, in order. */
  let queuePolls: string[];
  /** Uncaught errors in the page's script. */
  let pageErrors: string[];
  /** What the Content-Security-Policy blocked (Chromium reports each on the console). */
  let cspViolations: string[];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    hotline = await startTestHotline();
    await hotline.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(hotline.app.server.address() as AddressInfo).port}`;
    page = await browser.newPage();
    queuePolls = [];
    pageErrors = [];
    cspViolations = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/agent/queues') queuePolls.push(request.url());
    });
  });
  afterEach(async () => {
    await page?.close();
    await hotline?.close();
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  /** Waits until the live status line says `text` (the console announces every outcome there). */
  const status = (text: string) => page.getByRole('status').filter({ hasText: text }).waitFor();
  const callState = (text: string) => page.locator('#call-state', { hasText: text }).waitFor();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function logIn(token: string, name: string) {
    await page.goto(`${baseUrl}/console`);
    await page.getByLabel(/Agent token/).fill(token);
    await page.getByRole('button', { name: /Log in/ }).click();
    await page.locator('#agent-name', { hasText: name }).waitFor();
  }

  /** The agent's phone answers the offered call (what the agent-answered webhook records). */
  async function agentAnswers(callSid: string) {
    const record = await hotline.records.get(callSid);
    expect((await hotline.records.answered(callSid, record!.token!)).kind).toBe('done');
  }

  /** Queues `caller`, logs the agent in and lets them take the caller: the call is on screen, ringing. */
  async function agentTakes(caller: ReturnType<typeof queuedCaller>, token: string, name: string) {
    await hotline.records.enqueue(caller);
    await logIn(token, name);
    await page.getByLabel(/Available/).check();
    await status('You are available');
    await page.getByRole('button', { name: /Take next caller/ }).click();
    await page.locator('dd[data-field="callSid"]', { hasText: caller.callSid }).waitFor();
    await callState('Ringing');
  }

  /** Logs Bob in, lets him take `caller` and his phone answer. */
  async function bobTalksTo(caller: ReturnType<typeof queuedCaller>) {
    await agentTakes(caller, BOB, 'Bob (tier1, tier2)');
    await agentAnswers(caller.callSid);
    await callState('Connected');
  }

  it('Bob logs in, sees the waiting caller, takes them, sees their context and the call ring then connect, and wraps up', async () => {
    const caller = queuedCaller({ from: '+8613800000001', intent: 'transaction.failed' });
    await hotline.records.enqueue(caller);

    await logIn(BOB, 'Bob (tier1, tier2)');
    const row = page.locator(`tr[data-call-sid="${caller.callSid}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('+86*****0001');
    expect(await row.textContent()).toContain('transaction.failed');
    expect(await row.textContent()).not.toContain('13800000001');

    await page.getByLabel(/Available/).check();
    await status('You are available');
    await page.getByRole('button', { name: /Take next caller/ }).click();

    await page.locator('dd[data-field="callSid"]', { hasText: caller.callSid }).waitFor();
    expect(await page.locator('dd[data-field="walletId"]').textContent()).toBe('W-0001');
    expect(await page.locator('dd[data-field="subject"]').textContent()).toBe('transaction TX-20261125-0042');
    await row.waitFor({ state: 'detached' });
    expect(await hotline.records.get(caller.callSid)).toMatchObject({ state: 'offered', agentId: 'bob' });

    // Ringing: nothing to escalate or wrap up yet. The agent's phone answers: connected.
    await callState('Ringing');
    expect(await page.locator('#wrapup-submit').isDisabled()).toBe(true);
    expect(await page.locator('#escalate-submit').isDisabled()).toBe(true);
    await agentAnswers(caller.callSid);
    await callState('Connected');
    expect(await page.locator('#wrapup-submit').isEnabled()).toBe(true);
    expect(await page.locator('#escalate-submit').isEnabled()).toBe(true);

    await page.locator('#wrapup-note').fill('Explained the failed transfer; retried successfully');
    await page.getByRole('button', { name: /Wrap up & send survey/ }).click();
    await status('Wrapped up');
    await page.locator('#call-section').waitFor({ state: 'hidden' });

    expect(await hotline.records.get(caller.callSid)).toMatchObject({
      state: 'closed',
      wrapUp: { agentId: 'bob', resolved: true, note: 'Explained the failed transfer; retried successfully' },
    });
  });

  describe('what the IVR already did, and the summary for the caller', () => {
    const at = (time: string) => new Date(`2026-11-25T${time}:00+08:00`).toISOString();
    /** A caller as the IVR queues one after 2 → 2 → PIN → 0, with the trail the engine kept. */
    const walkedCaller = (overrides: Parameters<typeof queuedCaller>[0] = {}) =>
      queuedCaller({
        journey: ['main', 'transaction', 'transaction.failed'],
        selfService: [
          { kind: 'failedTransactionRead', at: at('09:57'), ref: 'TX-20261125-0042', detail: 'insufficientBalance' },
          { kind: 'smsSent', at: at('09:58'), detail: 'techSupport.paymentFails' },
        ],
        ...overrides,
      });
    const texts = (selector: string) => page.locator(selector).allTextContents();

    it('shows the intent, the menus walked and the self-service in the agent\'s words, an empty place for earlier calls, and texts the summary', async () => {
      const caller = walkedCaller();
      await bobTalksTo(caller);

      expect(await page.locator('#call-intent-label').textContent()).toBe('交易失败');
      expect(await texts('#call-journey li')).toEqual(['主菜单', '交易问题', '交易失败']);
      expect(await texts('#call-self-service li')).toEqual([
        '09:57 已播报失败交易 TX-20261125-0042，失败原因：账户余额不足',
        '09:58 已短信发送：付款或扫码失败的排查步骤',
      ]);
      expect(await page.locator('#call-self-service li').first().getAttribute('data-kind')).toBe('failedTransactionRead');
      expect(await page.locator('#history-section h3').textContent()).toContain('Earlier calls');
      expect(await texts('#call-history li')).toEqual(['暂无此前来电记录 No earlier calls known']);
      expect(await page.locator('#ivr-section').isVisible()).toBe(true);

      expect(await page.locator('#wrapup-summary').isEnabled()).toBe(true);
      await page.locator('#wrapup-note').fill('Topped up, transfer retried');
      await page.getByLabel(/Summary for the caller/).fill('已为您核实：余额不足导致转账失败，充值后已重新转账成功。');
      await page.getByRole('button', { name: /Wrap up & send survey/ }).click();
      await status('The summary was texted to the caller');
      const sms = hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.callSid === caller.callSid);
      expect(sms).toEqual([expect.objectContaining({ to: caller.from, body: expect.stringContaining('充值后已重新转账成功') })]);
      expect((await hotline.records.get(caller.callSid))?.wrapUp).toMatchObject({ summary: '已为您核实：余额不足导致转账失败，充值后已重新转账成功。' });
      // The next caller starts with an empty summary field.
      expect(await page.locator('#wrapup-summary').inputValue()).toBe('');
    });

    it('an English-speaking agent reads the same caller in English', async () => {
      const caller = walkedCaller({ queue: 'tier2', intent: 'fraud.freeze', priority: 'urgent', journey: ['main', 'fraud.freeze'], selfService: [{ kind: 'walletFrozen', at: at('20:31') }] });
      await agentTakes(caller, CAROL, 'Carol (tier2)');
      expect(await page.locator('#call-intent-label').textContent()).toBe('Fraud or lost phone (freeze the wallet)');
      expect(await texts('#call-journey li')).toEqual(['Main menu', 'Fraud or lost phone (freeze the wallet)']);
      expect(await texts('#call-self-service li')).toEqual(['Wallet frozen at 20:31']);
    });

    it('lists earlier calls with their notes when the claim carries them', async () => {
      // The caller's history (SPEC §5 `history`) comes from the call records; here it is added to the claim's answer.
      await page.route('**/agent/claims', async (route) => {
        const response = await route.fetch();
        const body = await response.json();
        const history = [
          { date: '2026-11-20', intent: 'transaction.failed', intentLabel: '交易失败', outcome: 'agent', note: 'Advised to top up' },
          { date: '2026-11-18', intent: 'techSupport', outcome: 'contained' },
        ];
        await route.fulfill({ response, json: { ...body, history } });
      });
      await bobTalksTo(walkedCaller());
      expect(await texts('#call-history li')).toEqual([
        '2026-11-20 · 交易失败 · 人工处理 served by an agentAdvised to top up',
        '2026-11-18 · techSupport · 自助解决 solved by the IVR',
      ]);
      expect(await page.locator('#call-history .history-note').textContent()).toBe('Advised to top up');
    });

    it('offers no summary SMS for a caller without a number to text, and sends none', async () => {
      const caller = walkedCaller({ from: 'anonymous', dialable: false });
      await bobTalksTo(caller);
      expect(await page.locator('dd[data-field="caller"]').textContent()).toBe('withheld');
      expect(await page.locator('#wrapup-summary').isDisabled()).toBe(true);
      expect(await page.locator('#wrapup-summary').getAttribute('placeholder')).toMatch(/no number to text/);
      await page.locator('#wrapup-note').fill('Explained');
      await page.getByRole('button', { name: /Wrap up & send survey/ }).click();
      await status('Wrapped up');
      expect(hotline.twilio.outbox().filter((entry) => entry.kind === 'sms')).toEqual([]);
    });
  });

  it('keeps a call that ended on screen, also after a reload, until it is wrapped up', async () => {
    const caller = queuedCaller();
    await bobTalksTo(caller);

    await hotline.records.callerHungUp(caller.callSid);
    await callState('Call ended');
    expect(await page.locator('#call-state').textContent()).toMatch(/the caller hung up/);
    expect(await page.locator('#call-state').textContent()).toMatch(/Wrap-up still due/);
    expect(await page.locator('#call-section').isVisible()).toBe(true);
    expect(await page.locator('#escalate-submit').isDisabled()).toBe(true);
    expect(await page.locator('#wrapup-submit').isEnabled()).toBe(true);

    // Still there a while later, and after a reload.
    await sleep(2500);
    expect(await page.locator('#call-section').isVisible()).toBe(true);
    await page.reload();
    await page.locator('dd[data-field="callSid"]', { hasText: caller.callSid }).waitFor();
    await callState('Call ended');

    await page.locator('#wrapup-note').fill('Caller hung up while I checked the transfer');
    await page.getByLabel(/Resolved/).uncheck();
    await page.getByRole('button', { name: /Wrap up/ }).click();
    await status('Wrapped up');
    await page.locator('#call-section').waitFor({ state: 'hidden' });
    expect(await hotline.records.get(caller.callSid)).toMatchObject({
      state: 'closed',
      endReason: 'caller-hung-up',
      wrapUp: { agentId: 'bob', resolved: false, note: 'Caller hung up while I checked the transfer' },
    });
  });

  it('shows the call of a console opened during it, from the event stream', async () => {
    const caller = queuedCaller();
    await hotline.records.enqueue(caller);
    await hotline.store.availability.set('bob', true);
    const claim = await hotline.app.inject({ method: 'POST', url: '/agent/claims', headers: { authorization: `Bearer ${BOB}` } });
    expect(claim.json().callSid).toBe(caller.callSid);
    await agentAnswers(caller.callSid);

    await logIn(BOB, 'Bob (tier1, tier2)');
    await page.locator('dd[data-field="callSid"]', { hasText: caller.callSid }).waitFor();
    await callState('Connected');
  });

  it('escalates a connected caller to tier 2 with a note', async () => {
    const caller = queuedCaller();
    await bobTalksTo(caller);
    await page.locator('#escalate-note').fill('Disputes a 5,000 CNY transfer');
    await page.getByRole('button', { name: /Escalate/ }).click();
    await status('Escalated to tier 2');
    await page.locator('#call-section').waitFor({ state: 'hidden' });
    expect(await hotline.records.get(caller.callSid)).toMatchObject({ state: 'waiting', queue: 'tier2', note: 'Disputes a 5,000 CNY transfer' });
    await page.locator(`tr[data-call-sid="${caller.callSid}"]`).waitFor();
  });

  it('takes a call that rang out off the screen and says the caller went back to the queue', async () => {
    const caller = queuedCaller();
    await hotline.records.enqueue(caller);
    await logIn(BOB, 'Bob (tier1, tier2)');
    await page.getByLabel(/Available/).check();
    await status('You are available');
    await page.getByRole('button', { name: /Take next caller/ }).click();
    await callState('Ringing');
    const record = await hotline.records.get(caller.callSid);
    expect((await hotline.records.bridgeFailed(caller.callSid, record!.token!, false)).kind).toBe('done');
    await status('went back to the queue');
    await page.locator('#call-section').waitFor({ state: 'hidden' });
    await page.locator(`tr[data-call-sid="${caller.callSid}"]`).waitFor();
  });

  it('takes the queues from the event stream, not by polling', async () => {
    await logIn(BOB, 'Bob (tier1, tier2)');
    await page.locator('#queues caption', { hasText: 'Tier 1' }).waitFor();
    const afterStart = queuePolls.length;
    // A logged-in console would have polled at least twice in this time.
    await sleep(4500);
    expect(queuePolls).toHaveLength(afterStart);

    const caller = queuedCaller();
    await hotline.records.enqueue(caller);
    await page.locator(`tr[data-call-sid="${caller.callSid}"]`).waitFor();
    await hotline.records.callerHungUp(caller.callSid);
    await page.locator(`tr[data-call-sid="${caller.callSid}"]`).waitFor({ state: 'detached' });
    expect(queuePolls).toHaveLength(afterStart);
  });

  it('polls every 2 s while the event stream fails, and goes back to the stream when it works again', async () => {
    let refusing = true;
    await page.route('**/agent/events**', (route) => (refusing ? route.fulfill({ status: 503, body: 'down' }) : route.continue()));
    await logIn(BOB, 'Bob (tier1, tier2)');
    const caller = queuedCaller();
    await hotline.records.enqueue(caller);
    await page.locator(`tr[data-call-sid="${caller.callSid}"]`).waitFor({ timeout: 5000 });
    const polled = queuePolls.length;
    await sleep(4500);
    expect(queuePolls.length).toBeGreaterThanOrEqual(polled + 2);

    refusing = false;
    const streamed = page.waitForRequest((request) => new URL(request.url()).pathname === '/agent/events', { timeout: 10_000 });
    await streamed;
    await sleep(1000);
    const settled = queuePolls.length;
    await sleep(4500);
    expect(queuePolls).toHaveLength(settled);
    const next = queuedCaller();
    await hotline.records.enqueue(next);
    await page.locator(`tr[data-call-sid="${next.callSid}"]`).waitFor();
  }, 40_000);

  it('clears the token, the caller context and the queues on logout', async () => {
    const caller = queuedCaller();
    const waiting = queuedCaller({ from: '+8613800000007' });
    await bobTalksTo(caller);
    await hotline.records.enqueue(waiting);
    await page.locator(`tr[data-call-sid="${waiting.callSid}"]`).waitFor();

    await page.getByRole('button', { name: /Log out/ }).click();
    await status('Logged out');
    expect(await page.getByLabel(/Agent token/).isVisible()).toBe(true);
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    expect(await page.locator('#call-context').textContent()).toBe('');
    expect(await page.locator('#call-section').isHidden()).toBe(true);
    expect(await page.locator('#queues').textContent()).toBe('');
    expect(await page.locator('#agent-name').textContent()).toBe('');
    expect(await page.content()).not.toContain(caller.callSid);
    expect(await page.content()).not.toContain(waiting.callSid);

    // Nothing comes back by itself: no stream, no polling, and a reload stays logged out.
    const polls = queuePolls.length;
    await hotline.records.enqueue(queuedCaller());
    await sleep(2500);
    expect(queuePolls).toHaveLength(polls);
    expect(await page.locator('#queues').textContent()).toBe('');
    await page.reload();
    expect(await page.getByLabel(/Agent token/).isVisible()).toBe(true);

    // Alice, on the same browser, sees nothing of Bob's call.
    await logIn(ALICE, 'Alice (tier1)');
    await page.locator(`tr[data-call-sid="${waiting.callSid}"]`).waitFor();
    expect(await page.locator('#call-section').isHidden()).toBe(true);
    expect(await page.content()).not.toContain(caller.callSid);
  });

  it('renders the OpenAPI document in Swagger UI at /docs', async () => {
    await page.goto(`${baseUrl}/docs`);
    await page.locator('.swagger-ui .info .title', { hasText: 'Hotline agent API' }).waitFor();
    await page.locator('.opblock-summary-path', { hasText: '/agent/claims' }).waitFor();
  });

  it('rejects a wrong token and stays on the login form', async () => {
    await page.goto(`${baseUrl}/console`);
    await page.getByLabel(/Agent token/).fill('wrong-token');
    await page.getByRole('button', { name: /Log in/ }).click();
    await status('Invalid token');
    expect(await page.getByLabel(/Agent token/).isVisible()).toBe(true);
  });
});

import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { StoreCallOutcomes } from '../../src/handoff/store-call-outcomes';
import { BOB, queuedCaller } from '../agent-api/agent-test-kit';
import { startTestHotline, type TestHotline } from '../support/test-app';

/** Debian's chromium package; CI installs it. Missing it is a failure, never a silent skip. */
const CHROMIUM = '/usr/bin/chromium';

describe('agent console in a real browser', () => {
  let hotline: TestHotline;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install it (apt-get install -y chromium) to run the console browser test`);
    }
    hotline = await startTestHotline();
    await hotline.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(hotline.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await hotline?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage();
  });
  afterEach(async () => {
    await page.close();
  });

  /** Waits until the live status line says `text` (the console announces every outcome there). */
  const status = (text: string) => page.getByRole('status').filter({ hasText: text }).waitFor();

  it('Bob logs in, sees the waiting caller, takes them, sees their context and wraps up', async () => {
    const caller = queuedCaller({ from: '+8613800000001', intent: 'transaction.failed' });
    await hotline.store.queue.enqueue(caller);

    await page.goto(`${baseUrl}/console`);
    await page.getByLabel(/Agent token/).fill(BOB);
    await page.getByRole('button', { name: /Log in/ }).click();

    await page.locator('#agent-name', { hasText: 'Bob (tier1, tier2)' }).waitFor();
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
    expect(await hotline.store.queue.owner(caller.callSid)).toBe('bob');

    await page.locator('#wrapup-note').fill('Explained the failed transfer; retried successfully');
    await page.getByRole('button', { name: /Wrap up & send survey/ }).click();
    await status('Wrapped up');
    await page.locator('#call-section').waitFor({ state: 'hidden' });

    const outcome = await new StoreCallOutcomes(hotline.store.values).get(caller.callSid);
    expect(outcome?.wrapUp).toMatchObject({ agentId: 'bob', resolved: true, note: 'Explained the failed transfer; retried successfully' });
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

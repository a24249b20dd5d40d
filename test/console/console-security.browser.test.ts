import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { BOB, queuedCaller } from '../agent-api/agent-test-kit';
import { launchChromium } from '../support/chromium';
import { startTestHotline, type TestHotline } from '../support/test-app';

const MAX_FAILURES = 2;
const WINDOW_SECONDS = 120;

/** The console on the admin listener (ADMIN_PORT), under its Content-Security-Policy, in headless Chromium. */
describe('the agent console on ADMIN_PORT, under a strict Content-Security-Policy', () => {
  let browser: Browser;
  let hotline: TestHotline;
  let admin: string;
  let webhook: string;
  let page: Page;
  let pageErrors: string[];
  let cspViolations: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    hotline = await startTestHotline({
      env: {
        ADMIN_PORT: '0',
        ADMIN_HOST: '127.0.0.1',
        AGENT_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
        AGENT_LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
      },
    });
    await hotline.app.listen({ host: '127.0.0.1', port: 0 });
    webhook = `http://127.0.0.1:${(hotline.app.server.address() as AddressInfo).port}`;
    admin = `http://127.0.0.1:${(await hotline.app.adminListener!.listen()).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await hotline?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    pageErrors = [];
    cspViolations = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  afterEach(async () => {
    await page?.close();
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  const status = (text: string) => page.getByRole('status').filter({ hasText: text }).waitFor();

  async function logIn(token: string) {
    await page.getByLabel(/Agent token/).fill(token);
    await page.getByRole('button', { name: /Log in/ }).click();
  }

  it('is served with no inline code allowed, and still logs in, streams the queue and takes a caller', async () => {
    const response = await page.goto(`${admin}/console`);
    const csp = response!.headers()['content-security-policy']!;
    expect(csp.split(';').map((directive) => directive.trim())).toEqual(
      expect.arrayContaining(["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]),
    );
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');

    await logIn(BOB);
    await page.locator('#agent-name', { hasText: 'Bob' }).waitFor();
    const caller = queuedCaller();
    await hotline.records.enqueue(caller);
    await page.locator(`tr[data-call-sid="${caller.callSid}"]`).waitFor();
    await page.getByLabel(/Available/).check();
    await status('You are available');
    await page.getByRole('button', { name: /Take next caller/ }).click();
    await page.locator('dd[data-field="callSid"]', { hasText: caller.callSid }).waitFor();
    expect(await hotline.records.get(caller.callSid)).toMatchObject({ state: 'offered', agentId: 'bob' });
  });

  it('is not on the webhook port', async () => {
    const response = await page.goto(`${webhook}/console`);
    expect(response!.status()).toBe(404);
  });

  it(`says so after ${MAX_FAILURES} wrong tokens, refuses even a good one from that address, and lets it in after the window`, async () => {
    await page.goto(`${admin}/console`);
    for (let attempt = 1; attempt <= MAX_FAILURES; attempt++) {
      await logIn(`wrong-${attempt}`);
      await status('Invalid token');
    }
    await logIn(BOB);
    await status('Too many failed logins');
    expect(await page.getByLabel(/Agent token/).isVisible()).toBe(true);

    hotline.clock.advance(WINDOW_SECONDS * 1000);
    await logIn(BOB);
    await page.locator('#agent-name', { hasText: 'Bob' }).waitFor();
  });
});

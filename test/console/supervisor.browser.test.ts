import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { migrate } from '../../src/records/sql/migrations';
import { ALICE } from '../agent-api/agent-test-kit';
import { playTheFloor } from '../agent-api/supervisor/floor-scenario';
import { callFactOf, handoffFactOf, sid } from '../records/record-facts';
import { startRecordsHotline, type RecordsHotline } from '../records/records-kit';
import { launchChromium } from '../support/chromium';
import { createPostgresDatabase, type TestDatabase } from '../support/postgres';

const SAM = 'sam-demo-token';

/**
 * The supervisors' page (`/console/supervisor`, SPEC §5) in headless Chromium, under the admin
 * scope's strict Content-Security-Policy: what a supervisor sees after whole calls, read from the
 * DOM, kept live by `GET /supervisor/events`, and a past day through the day picker.
 */
describe('the supervisor page in a real browser', () => {
  let database: TestDatabase;
  let hotline: RecordsHotline;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let pageErrors: string[];
  let cspViolations: string[];
  /** Every GET /supervisor/overview the page made: once at login, then a past day; the rest comes by events. */
  let overviewReads: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    database = await createPostgresDatabase('supervisor_page');
    await migrate(database.db);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await database?.drop();
  }, 30_000);
  beforeEach(async () => {
    await database.db.query('DELETE FROM call_records');
    hotline = await startRecordsHotline(database);
    await hotline.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(hotline.app.server.address() as AddressInfo).port}`;
    page = await browser.newPage();
    pageErrors = [];
    cspViolations = [];
    overviewReads = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/supervisor/overview') overviewReads.push(new URL(request.url()).search);
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  afterEach(async () => {
    await page?.close();
    await hotline?.close();
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  async function logIn(token: string) {
    const response = await page.goto(`${baseUrl}/console/supervisor`);
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel(/Supervisor token/).fill(token);
    await page.getByRole('button', { name: /Log in/ }).click();
  }

  const cell = (row: string, field: string) => page.locator(`${row} td[data-field="${field}"]`);
  const queueCell = (queue: string, field: string) => cell(`#queues tr[data-queue="${queue}"]`, field);
  const agentCell = (agent: string, field: string) => cell(`#agents tr[data-agent="${agent}"]`, field);
  const total = (field: string) => page.locator(`#totals dd[data-field="${field}"]`);
  /** Waits until the element reads `text` (the page updates from events, not at once). */
  const reads = async (locator: ReturnType<Page['locator']>, text: string) => {
    await locator.filter({ hasText: text }).waitFor();
    expect((await locator.textContent())?.trim()).toBe(text);
  };

  it('shows the queues, the agents’ states and the day’s figures after whole calls, live as a caller joins, and a past day', async () => {
    const { c } = await playTheFloor(hotline);
    // The day before: one call the IVR solved, one Carol answered in tier 2 after 8 s and talked 200 s.
    const yesterday = Date.parse('2026-11-24T15:00:00+08:00');
    await hotline.callRecords.write([
      callFactOf(sid(), { startedAt: yesterday }),
      handoffFactOf(sid(), { rev: 4, queue: 'tier2', queuedAt: yesterday, waitedSeconds: 8, agentId: 'carol', talkSeconds: 200, outcome: 'agent' }),
    ]);
    await hotline.settle();

    await logIn(SAM);
    await page.locator('#day-title', { hasText: 'Today 2026-11-25' }).waitFor();
    await reads(page.locator('#live-state'), '● 实时 Live');
    await reads(queueCell('tier1', 'waiting'), '0');
    await reads(queueCell('tier1', 'longestWait'), '—');
    await reads(queueCell('tier1', 'offered'), '4');
    await reads(queueCell('tier1', 'answered'), '3');
    // B and E within 20 s, C beyond, D abandoned: 2 of 4.
    await reads(queueCell('tier1', 'serviceLevel'), '50%');
    await reads(queueCell('tier1', 'abandoned'), '1');
    await reads(queueCell('tier1', 'abandonment'), '25%');
    await reads(queueCell('tier1', 'handleTime'), '1 分 min 30 秒 s');
    await reads(queueCell('tier2', 'serviceLevel'), '—');
    expect(await page.locator('#queues th').allTextContents()).toContain('服务水平 Service level (≤20 秒 s)');

    await reads(agentCell('alice', 'state'), '通话中 Connected');
    await reads(agentCell('bob', 'state'), '待填写处理记录 Wrap-up');
    await reads(agentCell('carol', 'state'), '离开 Away');
    expect(await agentCell('bob', 'call').textContent()).toContain(`一线 Tier 1 · +86*****0003自 since 10:04:45（20 秒 s） · ${c.callSid}`);
    await reads(agentCell('alice', 'calls'), '2');
    await reads(agentCell('alice', 'handleTime'), '1 分 min');
    await reads(agentCell('bob', 'handleTime'), '2 分 min');
    await reads(agentCell('carol', 'calls'), '0');
    await reads(total('calls'), '5');
    await reads(total('contained'), '1');
    await reads(total('containment'), '25%');
    expect(await page.locator('#report-gap').isHidden()).toBe(true);
    expect(await page.locator('#agents tr[data-agent="sam"]').count()).toBe(0);

    // A caller joins: the page shows them without a reload, through the event stream.
    hotline.clock.advance(42_000);
    await hotline.waitingCaller('+8613900000006');
    hotline.clock.advance(42_000);
    await reads(queueCell('tier1', 'waiting'), '1');
    await reads(queueCell('tier1', 'offered'), '5');
    await reads(queueCell('tier1', 'longestWait'), '42 秒 s');
    expect(overviewReads).toEqual(['']);

    // The day before, from the records: figures only, no live columns.
    await page.locator('#day').fill('2026-11-24');
    await page.getByRole('button', { name: /Show/ }).click();
    await page.locator('#day-title', { hasText: '2026-11-24' }).waitFor();
    await reads(page.locator('#live-state'), '历史 Past day');
    expect(await queueCell('tier1', 'waiting').count()).toBe(0);
    await reads(queueCell('tier2', 'answered'), '1');
    await reads(queueCell('tier2', 'serviceLevel'), '100%');
    await reads(agentCell('carol', 'agent'), 'Carol');
    await reads(agentCell('carol', 'handleTime'), '3 分 min 20 秒 s');
    expect(await page.locator('#agents tbody tr').count()).toBe(1);
    await reads(total('containment'), '50%');
    expect(overviewReads).toEqual(['', '?day=2026-11-24']);

    await page.getByRole('button', { name: /Back to today/ }).click();
    await page.locator('#day-title', { hasText: 'Today 2026-11-25' }).waitFor();
    await reads(queueCell('tier1', 'waiting'), '1');
  });

  it('refuses an agent who is not a supervisor, and a wrong token', async () => {
    await logIn(ALICE);
    await page.getByRole('status').filter({ hasText: 'Not a supervisor token' }).waitFor();
    await logIn('wrong-token');
    await page.getByRole('status').filter({ hasText: 'Invalid token' }).waitFor();
    expect(await page.locator('#board').isHidden()).toBe(true);
  });
});

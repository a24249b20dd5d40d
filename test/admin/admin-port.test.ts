import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callFields, DEFAULT_TO, encodeForm, newCallSid, signTwilioRequest, webhookHeaders } from '../../scripts/lib/twilio-form';
import { bearer, BOB } from '../agent-api/agent-test-kit';
import { startTestHotline, TEST_AUTH_TOKEN, TEST_BASE_URL, type TestHotline } from '../support/test-app';

/** Everything staff use (SPEC §5 Operators): on the admin listener only when ADMIN_PORT is set. */
const STAFF_ONLY = [
  '/agent/queues',
  '/docs',
  '/docs/json',
  '/docs/static/initializer.js',
  '/metrics',
  '/console',
  '/console/',
  '/console/console.js',
  '/console/supervisor',
  '/console/supervisor.js',
  '/supervisor/overview',
  '/supervisor/events',
];

interface Answer {
  status: number;
  type: string;
  body: string;
}

async function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const response = await fetch(`${base}${path}`, { method, headers, redirect: 'manual' });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

const baseOf = (address: AddressInfo) => `http://127.0.0.1:${address.port}`;

/** Resolves once `port` refuses connections. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: '/healthz', agent: false }, () => resolve(false));
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    request.end();
  });
}

describe('ADMIN_PORT: staff on a second listener, never on the webhook port', () => {
  let hotline: TestHotline;
  let webhook: string;
  let admin: string;
  beforeAll(async () => {
    hotline = await startTestHotline({ store: 'memory', env: { ADMIN_PORT: '0', ADMIN_HOST: '127.0.0.1' } });
    await hotline.app.listen({ host: '127.0.0.1', port: 0 });
    webhook = baseOf(hotline.app.server.address() as AddressInfo);
    admin = baseOf(await hotline.app.adminListener!.listen());
  });
  afterAll(() => hotline.close());

  it.each(STAFF_ONLY)('the webhook port answers 404 for %s, as for any unknown path', async (path) => {
    const answer = await get(webhook, path, bearer(BOB));
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('hotline_');
    expect(answer.body).not.toContain('<html');
    expect((await get(webhook, path, bearer(BOB), 'HEAD')).status).toBe(404);
  });

  it('the webhook port has no agent API at all: no claim, no event stream, and a wrong token is not even a login', async () => {
    const claim = await fetch(`${webhook}/agent/claims`, { method: 'POST', headers: bearer(BOB) });
    expect(claim.status).toBe(404);
    expect((await get(webhook, '/agent/events?token=bob-demo-token')).status).toBe(404);
    expect((await get(webhook, '/agent/queues', bearer('wrong'))).status).toBe(404);
    const metrics = await get(admin, '/metrics');
    expect(metrics.body).toMatch(/hotline_security_events_total\{kind="agent-login-failure"\} 0/);
  });

  it('the admin port answers the agent API, /docs, /metrics and the console', async () => {
    const queues = await get(admin, '/agent/queues', bearer(BOB));
    expect(queues.status).toBe(200);
    expect(JSON.parse(queues.body).agent).toMatchObject({ id: 'bob' });
    expect((await get(admin, '/agent/queues')).status).toBe(401);
    expect(await get(admin, '/docs')).toMatchObject({ status: 200, type: expect.stringContaining('text/html') });
    expect(JSON.parse((await get(admin, '/docs/json')).body).paths).toHaveProperty(['/agent/claims']);
    const metrics = await get(admin, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('hotline_calls_total');
    const page = await get(admin, '/console');
    expect(page.status).toBe(200);
    expect(page.body).toContain('坐席控制台');
    expect((await get(admin, '/console/console.js')).status).toBe(200);
    const overview = await get(admin, '/supervisor/overview', bearer('sam-demo-token'));
    expect(overview.status).toBe(200);
    expect(JSON.parse(overview.body).live.agents.map((agent: { id: string }) => agent.id)).toEqual(['alice', 'bob', 'carol']);
    const supervisorPage = await get(admin, '/console/supervisor');
    expect(supervisorPage.status).toBe(200);
    expect(supervisorPage.body).toContain('主管看板');
  });

  it('/healthz and /readyz answer on both ports', async () => {
    for (const base of [webhook, admin]) {
      expect(await get(base, '/healthz')).toMatchObject({ status: 200 });
      expect(await get(base, '/readyz')).toMatchObject({ status: 200 });
    }
  });

  it('/dev/outbox (simulate mode) stays on the webhook port only', async () => {
    const outbox = await get(webhook, '/dev/outbox');
    expect(outbox.status).toBe(200);
    expect(JSON.parse(outbox.body)).toEqual(expect.any(Array));
    expect((await get(admin, '/dev/outbox')).status).toBe(404);
  });

  it('Twilio still reaches the webhooks on the webhook port: a signed call gets its TwiML', async () => {
    const form = callFields({ callSid: newCallSid(), from: '+8613800000001', to: DEFAULT_TO });
    const signature = signTwilioRequest(TEST_AUTH_TOKEN, `${TEST_BASE_URL}/voice/incoming`, form);
    const response = await fetch(`${webhook}/voice/incoming`, { method: 'POST', headers: webhookHeaders(signature), body: encodeForm(form) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    expect(await response.text()).toMatch(/^<\?xml[^>]*\?><Response><Gather /);
  });
});

describe('without ADMIN_PORT everything stays on one port', () => {
  it('one listener serves the webhooks, the agent API, /docs, /metrics, the console and the outbox', async () => {
    const hotline = await startTestHotline({ store: 'memory' });
    try {
      expect(hotline.app.adminListener).toBeNull();
      await hotline.app.listen({ host: '127.0.0.1', port: 0 });
      const base = baseOf(hotline.app.server.address() as AddressInfo);
      // (The supervisors' event stream would stay open: its 200 is shown by its own tests.)
      for (const path of [...STAFF_ONLY.filter((staff) => staff !== '/supervisor/events'), '/healthz', '/readyz', '/dev/outbox']) {
        const token = path.startsWith('/supervisor/') ? 'sam-demo-token' : BOB;
        expect({ path, status: (await get(base, path, bearer(token))).status }).toEqual({ path, status: 200 });
      }
    } finally {
      await hotline.close();
    }
  });
});

describe('closing the app closes both listeners', () => {
  it('ends the open event streams on the admin port and stops both ports', async () => {
    const hotline = await startTestHotline({ store: 'memory', env: { ADMIN_PORT: '0', ADMIN_HOST: '127.0.0.1' } });
    await hotline.app.listen({ host: '127.0.0.1', port: 0 });
    const webhookPort = (hotline.app.server.address() as AddressInfo).port;
    const adminAddress = await hotline.app.adminListener!.listen();

    // An agent's console and a supervisor's page are connected (keep-alive) to their event streams when the process stops.
    const streamOf = (path: string, token: string) =>
      new Promise<string>((resolve, reject) => {
        const request = httpRequest({ host: '127.0.0.1', port: adminAddress.port, path, headers: bearer(token) }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          response.on('end', () => resolve(body));
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end();
      });
    const agentStream = streamOf('/agent/events', BOB);
    const supervisorStream = streamOf('/supervisor/events', 'sam-demo-token');
    await new Promise((resolve) => setTimeout(resolve, 300));

    await hotline.close();
    expect(await agentStream).toContain('event: queues');
    expect(await supervisorStream).toContain('event: overview');
    expect(await refused(webhookPort)).toBe(true);
    expect(await refused(adminAddress.port)).toBe(true);
  });
});

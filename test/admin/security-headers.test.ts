import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { callFields, DEFAULT_TO, newCallSid, signedRequest } from '../../scripts/lib/twilio-form';
import { bearer, BOB } from '../agent-api/agent-test-kit';
import { injectWebhook, startTestHotline, TEST_AUTH_TOKEN, TEST_BASE_URL, type TestHotline } from '../support/test-app';

const CONSOLE_DIR = path.join(__dirname, '../../public/console');

const directives = (csp: string | undefined) => new Map((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values.join(' ')]));

describe('security headers (@fastify/helmet) and the consoles’ Content-Security-Policy', () => {
  let hotline: TestHotline;
  beforeAll(async () => {
    hotline = await startTestHotline({ store: 'memory' });
  });
  afterAll(() => hotline.close());

  it.each(['/console', '/console/', '/console/console.js', '/console/supervisor', '/console/supervisor.js'])('%s carries the strict CSP and helmet’s headers', async (url) => {
    const response = await hotline.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    const csp = directives(response.headers['content-security-policy'] as string);
    expect(Object.fromEntries(csp)).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self'",
      'connect-src': "'self'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(response.headers).toMatchObject({
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it.each([
    ['index.html', 'console.js'],
    ['supervisor.html', 'supervisor.js'],
  ])('the console page %s holds no inline script, style or event handler, so the CSP needs no exception', (page, scriptFile) => {
    const html = readFileSync(path.join(CONSOLE_DIR, page), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).toContain(`<script src="/console/${scriptFile}" defer></script>`);
    const script = readFileSync(path.join(CONSOLE_DIR, scriptFile), 'utf8');
    expect(script).not.toMatch(/\beval\(|new Function\(|innerHTML|setAttribute\(\s*['"]style|\.style\./);
  });

  it.each([
    ['/agent/queues', BOB],
    ['/supervisor/overview', 'sam-demo-token'],
  ])('the API answers (%s) carry the headers too, a 401 included', async (url, token) => {
    for (const headers of [bearer(token), {}]) {
      const response = await hotline.app.inject({ method: 'GET', url, headers });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(directives(response.headers['content-security-policy'] as string).get('default-src')).toBe("'none'");
    }
  });

  it('/docs (Swagger UI) runs only its own scripts, with the inline styles and data: icons it draws', async () => {
    const csp = directives((await hotline.app.inject({ method: 'GET', url: '/docs' })).headers['content-security-policy'] as string);
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(csp.get('img-src')).toBe("'self' data:");
    expect(csp.get('frame-ancestors')).toBe("'none'");
  });

  it('TwiML answers are unchanged for Twilio: 200 text/xml, one <Response>, no browser headers', async () => {
    const request = signedRequest(TEST_AUTH_TOKEN, `${TEST_BASE_URL}/voice/incoming`, callFields({ callSid: newCallSid(), from: '+8613800000001', to: DEFAULT_TO }));
    const response = await injectWebhook(hotline.app, request);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(new XMLParser({ ignoreAttributes: false }).parse(response.body)).toHaveProperty('Response.Gather');
    expect(response.headers['content-security-policy']).toBeUndefined();
  });
});

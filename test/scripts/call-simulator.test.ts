import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../scripts/lib/free-port';
import { catalogue, prompt, startTestHotline, TEST_AUTH_TOKEN, type TestHotline } from '../support/test-app';

const ROOT = path.join(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const SIMULATOR = path.join(ROOT, 'scripts/call-simulator.ts');
const CHILD_TIMEOUT_MS = 25_000;

/** Runs `npm run call` as a child process with keys piped on stdin. */
function runSimulator(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [SIMULATOR, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

describe('npm run call (caller simulator) against a listening hotline', () => {
  let hotline: TestHotline;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    hotline = await startTestHotline({ store: 'memory', env: { PUBLIC_BASE_URL: baseUrl } });
    await hotline.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(() => hotline?.close());

  it('walks tech support with piped keys, prints the prompts and the SMS, and hangs up', async () => {
    const from = '+8613800000001';
    const result = await runSimulator(['--url', baseUrl, '--token', TEST_AUTH_TOKEN, '--from', from], '3\n1\n1\nq\n');

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain(prompt('main.welcome'));
    expect(out).toContain(prompt('techSupport.menu'));
    expect(out).toContain(prompt('techSupport.appCrash'));
    expect(out).toContain(prompt('sms.sent'));
    expect(out).toContain(`📱 SMS to ${from}: ${prompt('sms.techSupport.appCrash')}`);
    expect(out).toContain('you hung up');
    // In this order, as the caller heard it.
    const order = [prompt('techSupport.menu'), prompt('techSupport.appCrash'), `📱 SMS to ${from}`, 'you hung up'].map((text) => out.indexOf(text));
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const sms = hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.to === from);
    expect(sms).toEqual([expect.objectContaining({ body: prompt('sms.techSupport.appCrash') })]);
  }, 30_000);

  it('presses 9 by itself with --lang en, and follows the no-input redirect on an empty line', async () => {
    const result = await runSimulator(['--url', baseUrl, '--token', TEST_AUTH_TOKEN, '--lang', 'en'], '\nq\n');

    expect(result.code).toBe(0);
    // The simulator prints each voice's part of a prompt on its own line, with that voice's language.
    const lines = catalogue.speak('en-US', 'main.menu').map((segment) => `[${segment.language === 'zh-CN' ? 'cmn-CN' : 'en-US'}] ${segment.text}`);
    for (const line of lines) expect(result.stdout).toContain(line);
    expect(result.stdout.indexOf(lines[0]!)).toBeLessThan(result.stdout.lastIndexOf(lines[0]!));
  }, 30_000);

  it('reports a signature the server refuses (wrong token) and exits non-zero', async () => {
    const result = await runSimulator(['--url', baseUrl, '--token', 'not-the-token'], 'q\n');

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('answered 403');
  }, 30_000);
});

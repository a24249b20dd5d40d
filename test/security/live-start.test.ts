import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { freePort } from '../../scripts/lib/free-port';
import { LIVE_TWILIO_ENV } from '../support/live-env';

const ROOT = path.join(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MAIN = path.join(ROOT, 'src/main.ts');
const START_TIMEOUT_MS = 30_000;

/** A live configuration on the demo data: no AGENTS_FILE, no WALLET_API_URL, the embedded store. */
const LIVE_ON_DEMO_DATA = {
  ...LIVE_TWILIO_ENV,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
};

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `node src/main.ts` (through tsx) as its own process, with only this environment. */
function startMain(env: Record<string, string>): Server {
  const child = spawn(TSX, [MAIN], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS * 2);
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

async function until(condition: () => boolean, what: string, server: Server): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline || server.child.exitCode !== null) throw new Error(`${what} did not happen; output:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function get(port: number, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: urlPath, headers, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

function refusesConnections(port: number): Promise<boolean> {
  return get(port, '/healthz').then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
  );
}

describe('the hotline process in live mode (SPEC §5: no demo data in production)', () => {
  it('refuses to start on the demo agents and wallets: exit code 1, a message naming the variables to set', async () => {
    const server = startMain({ ...LIVE_ON_DEMO_DATA, PORT: String(await freePort()) });
    const code = await server.exited;
    expect(code).toBe(1);
    const output = server.output();
    expect(output).toContain('TWILIO_MODE=live refuses demo data');
    expect(output).toContain('set AGENTS_FILE to your own agents file');
    expect(output).toContain('set WALLET_API_URL and WALLET_API_TOKEN');
    expect(output).toContain('ALLOW_DEMO_DATA=true');
    // The message alone, not a stack trace, and nothing listened.
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain('listening');
  }, START_TIMEOUT_MS * 2);

  it('with ALLOW_DEMO_DATA=true and ADMIN_PORT it starts, refuses and counts a demo token on the admin port, and SIGTERM closes both ports', async () => {
    const port = await freePort();
    const adminPort = await freePort();
    const server = startMain({ ...LIVE_ON_DEMO_DATA, ALLOW_DEMO_DATA: 'true', PORT: String(port), ADMIN_PORT: String(adminPort) });
    try {
      await until(() => server.output().includes('admin listener'), 'the admin listener', server);

      const demo = await get(adminPort, '/agent/queues', { authorization: 'Bearer carol-demo-token' });
      expect(demo.status).toBe(401);
      expect(JSON.parse(demo.body).message).toMatch(/Demo tokens are refused in live mode/);
      const metrics = await get(adminPort, '/metrics');
      expect(metrics.body).toMatch(/hotline_security_events_total\{kind="demo-token"\} 1\b/);
      expect(metrics.body).toMatch(/hotline_security_events_total\{kind="agent-login-failure"\} 1\b/);
      expect(server.output()).toContain('"securityEvent":"demo-token"');
      expect(server.output()).not.toContain('carol-demo-token');

      // Twilio's port has neither the agent API nor the metrics; both answer health.
      expect((await get(port, '/agent/queues', { authorization: 'Bearer carol-demo-token' })).status).toBe(404);
      expect((await get(port, '/metrics')).status).toBe(404);
      expect((await get(port, '/healthz')).status).toBe(200);
      expect((await get(adminPort, '/readyz')).status).toBe(200);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('"msg":"stopped"');
      expect(await refusesConnections(port)).toBe(true);
      expect(await refusesConnections(adminPort)).toBe(true);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, START_TIMEOUT_MS * 2);

  it('refuses an ADMIN_PORT equal to PORT, naming ADMIN_PORT', async () => {
    const port = String(await freePort());
    const server = startMain({ PORT: port, ADMIN_PORT: port, LOG_LEVEL: 'silent' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('ADMIN_PORT: must differ from PORT');
  }, START_TIMEOUT_MS * 2);
});

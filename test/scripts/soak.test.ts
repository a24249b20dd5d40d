import { spawn } from 'node:child_process';
import path from 'node:path';
import type { SoakResult } from '../../scripts/soak/soak-report';
import { TEST_POSTGRES_URL } from '../support/postgres';

const ROOT = path.join(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CHILD_TIMEOUT_MS = 240_000;

/** Runs `npm run soak` (from source: no build) as a child process; SIGTERM makes it stop its deployment. */
function runSoak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [path.join(ROOT, 'scripts/soak.ts'), '--from-source', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SOAK_POSTGRES_URL: TEST_POSTGRES_URL },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGTERM'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run soak with tiny numbers', () => {
  it('3 instances on a private redis-server, 20 calls at once for 18 s, one instance killed: every call completes, every webhook is 200 TwiML', async () => {
    const run = await runSoak(['--instances', '3', '--calls', '20', '--minutes', '0.3', '--redis', 'single', '--turn-seconds', '1', '--agent-share', '0.3', '--kill-instance-at', '8']);
    const line = run.stdout.split('\n').find((text) => text.startsWith('SOAK RESULT '));
    if (!line) throw new Error(`no result printed (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    const result = JSON.parse(line.slice('SOAK RESULT '.length)) as SoakResult;

    expect(run.code).toBe(0);
    expect(result.calls.started).toBeGreaterThan(20);
    expect(result.calls).toMatchObject({ completed: result.calls.started, failed: {}, unfinished: 0 });
    expect(result.calls.toAgent).toBeGreaterThan(0);
    expect(result.calls.served).toBe(result.calls.toAgent);
    expect(result.webhooks.total).toBeGreaterThan(5 * result.calls.started);
    expect(result.webhooks).toMatchObject({ not200: 0, restarts: 0, statusCallbacksRefused: 0 });
    expect(result.latencyByMinute[0]!.webhooks).toBeGreaterThan(0);
    expect(result.memory?.activeCalls).toBeGreaterThan(0);
    // The kill: the instance is gone, a whole new call works again, nobody heard Twilio's application error.
    expect(result.disruptions).toHaveLength(1);
    expect(result.disruptions[0]!.what).toContain('SIGKILL of instance 3');
    expect(result.disruptions[0]!.returnedAfterSeconds).not.toBeNull();
    expect(result.cpuPercent.instances[2]).toBeNull();
    // The summary a person reads says the same.
    expect(run.stdout).toContain(`calls: ${result.calls.started} started, ${result.calls.started} completed`);
    expect(run.stdout).toMatch(/webhooks: \d+, not 200 TwiML: 0,/);
  }, CHILD_TIMEOUT_MS + 10_000);
});

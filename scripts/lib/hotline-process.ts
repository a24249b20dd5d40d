import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port';
import { createHttpPoster } from './http-poster';

const ROOT = path.join(__dirname, '../..');

/**
 * Which code a hotline process runs: `built` is `dist/src/main.js` (after `npm run build`), as in
 * production; `source` is `src/main.ts` through tsx, for tests (always the code under test, no build).
 */
export type HotlineCode = 'built' | 'source';

export interface HotlineProcessOptions {
  code: HotlineCode;
  /** The environment on top of the defaults below: the Redis deployment, prefix, database, tokens… */
  env: Record<string, string>;
  /** The URL Twilio calls (signatures and every URL in the TwiML); default this process's own address. */
  publicBaseUrl?: string;
  /** How long to wait for /readyz; a loaded machine starts slowly. */
  readyTimeoutMs?: number;
}

/** One hotline server in its own process, as it runs in production. */
export interface HotlineProcess {
  child: ChildProcess;
  pid: number;
  /** Where this process listens (not the public URL when a load balancer is in front). */
  baseUrl: string;
  /** The last few kilobytes it printed. */
  output(): string;
  /** SIGKILL, as a crash or an OOM kill would: nothing is finished or closed. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown), then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** Starts `dist/src/main.js` or `src/main.ts` with `options.env` on a free loopback port; resolves once /readyz answers 200. */
export async function startHotlineProcess(options: HotlineProcessOptions): Promise<HotlineProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = options.code === 'built' ? [path.join(ROOT, 'dist/src/main.js')] : ['--import', 'tsx', path.join(ROOT, 'src/main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: options.publicBaseUrl ?? baseUrl,
      TWILIO_MODE: 'simulate',
      LOG_LEVEL: 'silent',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    if (running()) child.kill('SIGKILL');
    await exited;
  };
  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const poster = createHttpPoster({ maxSockets: 1, timeoutMs: 1000 });
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!running()) throw new Error(`the hotline exited (${child.exitCode ?? child.signalCode}) while starting:\n${output}`);
      const ready = await poster.get(`${baseUrl}/readyz`).catch(() => undefined);
      if (ready?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`the hotline did not become ready within ${timeoutMs / 1000} s:\n${output}`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    poster.close();
  }
  return { child, pid: child.pid!, baseUrl, output: () => output, kill, stop };
}

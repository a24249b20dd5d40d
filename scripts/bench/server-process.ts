import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpPoster } from '../lib/http-poster';
import { freePort } from '../lib/free-port';
import { AUTH_TOKEN } from './bench-call';

const ROOT = path.join(__dirname, '../..');

/** The server under test, in its own process, as it runs in production. */
export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `dist/src/main.js` (built by `npm run bench`) against Redis under `prefix`, with `env` on
 * top; its call records in PostgreSQL when `env` names a DATABASE_URL, else in an embedded database
 * in a temporary folder of its own. Resolves once /readyz answers.
 */
export async function startServer(redisUrl: string, prefix: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: baseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      TWILIO_MODE: 'simulate',
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      LOG_LEVEL: 'silent',
      ...(env['DATABASE_URL'] ? {} : { DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-')) }),
      ...env,
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
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const poster = createHttpPoster({ maxSockets: 1, timeoutMs: 1000 });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the hotline exited (${child.exitCode}) while starting:\n${output}`);
      try {
        const ready = await poster.get(`${baseUrl}/readyz`);
        if (ready.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the hotline did not become ready within 30 s:\n${output}`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    poster.close();
  }
  return { child, baseUrl, output: () => output, stop };
}

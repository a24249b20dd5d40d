import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHotlineProcess, type HotlineProcess } from '../lib/hotline-process';
import { AUTH_TOKEN } from './bench-call';

/** The server under test, in its own process, as it runs in production. */
export type ServerProcess = HotlineProcess;

/**
 * Starts `dist/src/main.js` (built by `npm run bench`) against Redis under `prefix` — the server at
 * `redis` when it is a URL, else the deployment its variables name (a Cluster's REDIS_CLUSTER_NODES)
 * — with `env` on top; its call records in PostgreSQL when `env` names a DATABASE_URL, else in an
 * embedded database in a temporary folder of its own. Resolves once /readyz answers.
 */
export async function startServer(redis: string | Record<string, string>, prefix: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  return startHotlineProcess({
    code: 'built',
    readyTimeoutMs: 30_000,
    env: {
      ...(typeof redis === 'string' ? { REDIS_URL: redis } : redis),
      REDIS_KEY_PREFIX: prefix,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      ...(env['DATABASE_URL'] ? {} : { DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-')) }),
      ...env,
    },
  });
}

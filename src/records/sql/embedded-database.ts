import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SqlDatabase, SqlSession } from './sql-database';

type Reply = { id: number; rows: unknown[] } | { id: number; error: { message: string; code?: string } };

/** Source runs find the thread's script here; the compiled build (dist/) reads it from the source tree, like the Lua scripts. */
function threadScript(): string {
  const candidates = [path.join(__dirname, 'pglite-thread.cjs'), path.resolve(__dirname, '../../../../src/records/sql/pglite-thread.cjs')];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`pglite thread script not found in ${candidates.join(' or ')}`);
  return found;
}

export class SqlError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = 'SqlError';
  }
}

/**
 * The embedded PostgreSQL (@electric-sql/pglite: PostgreSQL compiled to WebAssembly, one
 * connection, data in `dataDir`), for a single process without DATABASE_URL. It runs in a worker
 * thread (pglite-thread.cjs), which also lets jest load it: pglite's CommonJS build still imports
 * Node modules with `import()`, which jest's module sandbox refuses without
 * --experimental-vm-modules. One statement at a time; `withSession` holds the connection for its
 * whole work, as a pooled connection would.
 */
export async function embeddedDatabase(dataDir: string): Promise<SqlDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const worker = new Worker(threadScript(), { workerData: { dataDir, pglite: require.resolve('@electric-sql/pglite') } });
  const waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let closed = false;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { ready?: true; failed?: string }) =>
      message.ready ? resolve() : reject(new Error(`embedded PostgreSQL did not open in ${dataDir}: ${message.failed}`)),
    );
  });
  worker.on('message', (reply: Reply) => {
    const call = waiting.get(reply.id);
    waiting.delete(reply.id);
    if ('error' in reply) call?.reject(new SqlError(reply.error.message, reply.error.code));
    else call?.resolve(reply.rows);
  });
  worker.on('error', (error) => {
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  });

  const send = (op: 'query' | 'exec' | 'close', text = '', params: readonly unknown[] = []) =>
    new Promise<unknown[]>((resolve, reject) => {
      if (closed && op !== 'close') return reject(new SqlError('embedded PostgreSQL is closed', '57P01'));
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, op, text, params: [...params] });
    });
  const direct: SqlSession = {
    query: async <Row>(text: string, params?: readonly unknown[]) => (await send('query', text, params)) as Row[],
    exec: async (script) => {
      await send('exec', script);
    },
  };

  // Statements outside a session wait while a session holds the connection.
  let held: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = held.then(work, work);
    held = run.catch(() => undefined);
    return run;
  };
  return {
    kind: 'embedded',
    query: (text, params) => exclusive(() => direct.query(text, params)),
    exec: (script) => exclusive(() => direct.exec(script)),
    withSession: (work) => exclusive(() => work(direct)),
    close: async () => {
      if (closed) return;
      closed = true;
      await held;
      await send('close').catch(() => undefined);
      await worker.terminate();
    },
  };
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { embeddedDatabase } from '../../src/records/sql/embedded-database';
import { postgresDatabase } from '../../src/records/sql/postgres-database';
import type { SqlDatabase } from '../../src/records/sql/sql-database';

/** The machine's PostgreSQL (trust, user postgres); each test file makes and drops its own database. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  db: SqlDatabase;
  /** Closes the pool and drops the database (or deletes the embedded one's folder). */
  drop(): Promise<void>;
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A uniquely named database on the server of `serverUrl`, with a pool on it. */
export async function createPostgresDatabase(label: string, serverUrl = TEST_POSTGRES_URL): Promise<TestDatabase> {
  const name = `test_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = postgresDatabase(url.toString(), pino({ level: 'silent' }));
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.close().catch(() => undefined);
      await admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** The embedded PostgreSQL in a temporary folder. */
export async function createEmbeddedDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotline-records-'));
  const db = await embeddedDatabase(dir);
  return {
    url: dir,
    db,
    drop: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

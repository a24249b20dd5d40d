import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the benches make their databases: a server on which they may create and drop one. */
export const DEFAULT_BENCH_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of the bench's own on the server of `postgresUrl`, dropped afterwards. */
export async function createBenchDatabase(postgresUrl: string, label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

import pg from 'pg';
import type { Logger } from 'pino';
import type { SqlDatabase, SqlSession } from './sql-database';

/** A connection that cannot be made fails fast: the worker retries, a reader goes without. */
const CONNECT_TIMEOUT_MS = 2000;
/** No statement of ours takes long; one that does is cut off rather than held. */
const STATEMENT_TIMEOUT_MS = 10_000;

interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
}

function session(client: Queryable): SqlSession {
  return {
    query: async <Row>(text: string, params?: readonly unknown[]) => (await client.query(text, params ? [...params] : undefined)).rows as Row[],
    exec: async (script) => {
      await client.query(script);
    },
  };
}

/** PostgreSQL through a small `pg` pool (DATABASE_URL). */
export function postgresDatabase(url: string, log: Logger, poolSize = 4): SqlDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS + 1000,
  });
  // An idle client whose server went away emits here; without a listener the process would crash.
  pool.on('error', (error) => log.warn({ err: error }, 'records database connection lost'));
  return {
    kind: 'postgres',
    ...session(pool),
    withSession: async (work) => {
      const client = await pool.connect();
      let broken = false;
      try {
        return await work(session(client));
      } catch (error) {
        broken = true;
        throw error;
      } finally {
        // A client that failed mid-session may hold a lock or a transaction: it is not reused.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

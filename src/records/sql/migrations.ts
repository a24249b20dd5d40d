import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../project-root';
import type { SqlDatabase } from './sql-database';

/** Any constant of our own: every instance asks for this lock before migrating. */
const MIGRATION_LOCK = 4_871_102;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS_DIR = path.join(projectRoot(), 'migrations');

/** `NNN_name.sql` files of `dir`, in version order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .flatMap((file) => {
      const match = /^(\d+)_([\w-]+)\.sql$/.exec(file);
      return match ? [{ version: Number(match[1]), name: match[2]!, sql: readFileSync(path.join(dir, file), 'utf8') }] : [];
    })
    .sort((a, b) => a.version - b.version);
}

/**
 * Brings the schema up to date at start: each migration not yet in `schema_migrations` runs in a
 * transaction of its own with its row. Instances starting at once take turns on an advisory lock,
 * so none applies a migration twice. Returns the versions applied now.
 */
export async function migrate(db: SqlDatabase, migrations = loadMigrations()): Promise<number[]> {
  return db.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await session.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set((await session.query<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version));
      const applied: number[] = [];
      for (const migration of migrations.filter((m) => !done.has(m.version))) {
        await session.exec('BEGIN');
        try {
          await session.exec(migration.sql);
          await session.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await session.exec('COMMIT');
        } catch (error) {
          await session.exec('ROLLBACK');
          throw new Error(`migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.version);
      }
      return applied;
    } finally {
      // A connection that broke took its lock with it; its error is the one worth reporting.
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  });
}

/**
 * The call records' database, PostgreSQL (`pg`) or the embedded PostgreSQL (pglite) — the same SQL
 * and migrations on both. Results are plain rows; queries cast what they return to types both
 * drivers give alike (int, float8, text, jsonb, timestamptz as Date).
 */
export interface SqlSession {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements at once, no parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlDatabase extends SqlSession {
  readonly kind: 'postgres' | 'embedded';
  /** One connection for `work`: a transaction, or a session-level advisory lock. */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A failure of the database itself (unreachable, shutting down, out of resources) rather than of
 * one statement's data: what was being written waits and is tried again. SQLSTATE classes 08
 * (connection), 53 (resources), 57 (operator intervention), and errors without a SQLSTATE (sockets,
 * timeouts).
 */
export function isOutage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return ['08', '53', '57'].includes(code.slice(0, 2));
}

/**
 * The call records' way from the webhooks to the database (SPEC §5): facts about how a call ended
 * are appended here on the webhook path, in the round trips it already makes, and a background
 * worker on every instance writes them to PostgreSQL. A consumer group delivers each entry to one
 * worker at a time; an entry stays until a worker wrote it and called `done` (at least once), so a
 * database outage delays records and loses none.
 */
export interface StreamEntry {
  /** `<ms>-<seq>`: when the entry was appended, and its order. */
  id: string;
  /** One fact as JSON (see src/records/record-facts.ts). */
  fact: string;
}

export interface StreamLag {
  /** Entries not yet written: delivered but unacknowledged, and never delivered. */
  backlog: number;
  /** Of those, delivered to a worker that has not acknowledged them yet. */
  pending: number;
  /** When the oldest entry not yet written was appended (ms), or null when none waits. */
  oldestAt: number | null;
}

export interface RecordStream {
  append(fact: string): Promise<void>;
  /** Creates the consumer group (from the stream's start) if it does not exist yet. */
  ensureGroup(): Promise<void>;
  /** Entries never delivered to any consumer, now delivered to `consumer`. */
  readNew(consumer: string, count: number): Promise<StreamEntry[]>;
  /** Entries delivered to `consumer` earlier and not acknowledged (a write that failed). */
  readPending(consumer: string, count: number): Promise<StreamEntry[]>;
  /** Entries left unacknowledged by any consumer for `minIdleMs` (a dead worker's), now `consumer`'s. */
  claimIdle(consumer: string, minIdleMs: number, count: number): Promise<StreamEntry[]>;
  /** Written: acknowledged and removed, so the stream holds only what still has to be written. */
  done(ids: readonly string[]): Promise<void>;
  lag(): Promise<StreamLag>;
}

/** How many entries a stream keeps at most: beyond, the oldest are dropped (a database outage this long loses records). */
export const DEFAULT_RECORD_STREAM_MAXLEN = 1_000_000;

/** The time an entry was appended, from its id. */
export function entryTime(id: string): number {
  return Number(id.split('-')[0]);
}

/**
 * Where a call's session lives between webhooks. Any instance may take any webhook, so a write
 * is a compare-and-set on the revision the writer read: a stale or duplicate webhook loses and
 * must re-read instead of overwriting a newer turn.
 */
export interface StoredSession {
  revision: number;
  data: string;
}

export interface SessionStore {
  /** One round trip. `null` when the call is unknown or its session expired. */
  load(callSid: string): Promise<StoredSession | null>;
  /**
   * Writes `data` as revision `expectedRevision + 1` if the stored revision is still
   * `expectedRevision` (0 means "must not exist yet"). One round trip. False when another
   * writer got there first.
   */
  save(callSid: string, data: string, expectedRevision: number, ttlSeconds: number): Promise<boolean>;
}

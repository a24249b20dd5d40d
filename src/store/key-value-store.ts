/**
 * Small shared state with expiry that must be seen by every instance: wrong-attempt counters,
 * one-time codes, wallet state overrides. Values are strings; callers encode.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** `ttlMs` omitted keeps the value until deleted. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets the value only if the key does not exist; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Atomically adds 1 and returns the new value; the expiry is set when the key is created. */
  increment(key: string, ttlMs: number): Promise<number>;
  delete(key: string): Promise<void>;
  /** Adds `member` to the set at `key` (idempotent); the expiry is set when the set is created. */
  addToSet(key: string, member: string, ttlMs: number): Promise<void>;
  setSize(key: string): Promise<number>;
}

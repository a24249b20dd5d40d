import type { Clock } from '../clock';

/** In-process map whose entries vanish at their deadline: the embedded store's stand-in for Redis TTLs. */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs?: number): void {
    this.entries.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : this.clock.now() + ttlMs });
  }

  /** Keeps the current deadline; used where Redis would keep a key's TTL. */
  replace(key: string, value: V): boolean {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= this.clock.now()) return false;
    entry.value = value;
    return true;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops expired entries; called periodically so abandoned calls do not pile up in memory. */
  sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

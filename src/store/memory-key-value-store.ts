import type { Clock } from '../clock';
import { ExpiringMap } from './expiring-map';
import type { KeyValueStore } from './key-value-store';

export class MemoryKeyValueStore implements KeyValueStore {
  readonly values: ExpiringMap<string>;
  readonly sets: ExpiringMap<Set<string>>;

  constructor(clock: Clock) {
    this.values = new ExpiringMap(clock);
    this.sets = new ExpiringMap(clock);
  }

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.values.set(key, value, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.values.get(key) !== undefined) return false;
    this.values.set(key, value, ttlMs);
    return true;
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const next = Number(this.values.get(key) ?? '0') + 1;
    if (!this.values.replace(key, String(next))) this.values.set(key, String(next), ttlMs);
    return next;
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
    this.sets.delete(key);
  }

  async addToSet(key: string, member: string, ttlMs: number): Promise<void> {
    const set = this.sets.get(key);
    if (set) set.add(member);
    else this.sets.set(key, new Set([member]), ttlMs);
  }

  async setSize(key: string): Promise<number> {
    return this.sets.get(key)?.size ?? 0;
  }
}

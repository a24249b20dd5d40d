import type { Clock } from '../clock';
import { ExpiringMap } from '../store/expiring-map';
import type { Quota, QuotaStore } from './quota-store';

/** The embedded twin of lua/take-1.lua and lua/give-back-1.lua: atomic on the event loop. */
export class MemoryQuotaStore implements QuotaStore {
  readonly subjects: ExpiringMap<Map<string, { count: number; since: number }>>;

  constructor(clock: Clock) {
    this.subjects = new ExpiringMap(clock);
  }

  async take(subject: string, quotas: readonly Quota[], now: number): Promise<string | null> {
    const used = this.subjects.get(subject) ?? new Map<string, { count: number; since: number }>();
    const counts = quotas.map((quota) => {
      const entry = used.get(quota.name);
      return entry && now - entry.since < quota.windowMs ? entry : { count: 0, since: now };
    });
    const full = quotas.findIndex((quota, index) => counts[index]!.count >= quota.limit);
    if (full >= 0) return quotas[full]!.name;
    quotas.forEach((quota, index) => used.set(quota.name, { count: counts[index]!.count + 1, since: counts[index]!.since }));
    this.subjects.set(subject, used, Math.max(...quotas.map((quota) => quota.windowMs)));
    return null;
  }

  async giveBack(subject: string, names: readonly string[]): Promise<void> {
    const used = this.subjects.get(subject);
    for (const name of names) {
      const entry = used?.get(name);
      if (entry && entry.count > 0) entry.count -= 1;
    }
  }
}

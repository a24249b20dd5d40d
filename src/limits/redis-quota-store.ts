import type { RedisClient } from '../store/redis-connection';
import type { LimitKeys } from './limit-keys';
import { decodeTake, type Quota, type QuotaStore } from './quota-store';
import { limitScript } from './redis-scripts';

/** Quotas in Redis: a hash per subject, changed only by lua/take-1.lua and lua/give-back-1.lua. */
export class RedisQuotaStore implements QuotaStore {
  private readonly takeScript;
  private readonly giveBackScript;

  constructor(redis: RedisClient, private readonly keys: LimitKeys) {
    this.takeScript = limitScript(redis, 'take-1.lua');
    this.giveBackScript = limitScript(redis, 'give-back-1.lua');
  }

  async take(subject: string, quotas: readonly Quota[], now: number): Promise<string | null> {
    const args = quotas.flatMap((quota) => [quota.name, quota.limit, quota.windowMs]);
    return decodeTake(await this.takeScript(this.keys.quota(subject), now, ...args), quotas);
  }

  async giveBack(subject: string, names: readonly string[]): Promise<void> {
    if (names.length > 0) await this.giveBackScript(this.keys.quota(subject), ...names);
  }
}

import type { RedisClient } from '../store/redis-connection';
import type { Clock } from '../clock';
import type { AttemptStore } from './attempt-store';
import { limitKeys } from './limit-keys';
import { MemoryAttemptStore } from './memory-attempt-store';
import { MemoryQuotaStore } from './memory-quota-store';
import type { QuotaStore } from './quota-store';
import { RedisAttemptStore } from './redis-attempt-store';
import { RedisQuotaStore } from './redis-quota-store';

/** The counters behind identity and SMS limits (SPEC §3), shared by every instance. */
export interface LimitStores {
  attempts: AttemptStore;
  quotas: QuotaStore;
}

export function redisLimitStores(redis: RedisClient, prefix: string): LimitStores {
  const keys = limitKeys(prefix);
  return { attempts: new RedisAttemptStore(redis, keys), quotas: new RedisQuotaStore(redis, keys) };
}

export function memoryLimitStores(clock: Clock): LimitStores & { sweep(): void } {
  const attempts = new MemoryAttemptStore(clock);
  const quotas = new MemoryQuotaStore(clock);
  return {
    attempts,
    quotas,
    sweep: () => {
      attempts.locks.sweep();
      attempts.counters.sweep();
      quotas.subjects.sweep();
    },
  };
}

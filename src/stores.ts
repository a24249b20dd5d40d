import type { Redis } from 'ioredis';
import type { AgentAvailability } from './agents/agent-availability';
import { MemoryAgentAvailability } from './agents/memory-agent-availability';
import { RedisAgentAvailability } from './agents/redis-agent-availability';
import type { Clock } from './clock';
import type { HandoffStore } from './handoff/record/handoff-store';
import { memoryLimitStores, redisLimitStores, type LimitStores } from './limits/limit-stores';
import { MemoryHandoffStore } from './handoff/record/memory-handoff-store';
import { RedisHandoffStore } from './handoff/record/redis-handoff-store';
import { handoffKeys } from './handoff/record/handoff-keys';
import type { KeyValueStore } from './store/key-value-store';
import { MemoryRecordStream } from './store/memory-record-stream';
import { DEFAULT_RECORD_STREAM_MAXLEN, type RecordStream } from './store/record-stream';
import { RedisRecordStream } from './store/redis-record-stream';
import { MemoryKeyValueStore } from './store/memory-key-value-store';
import { MemorySessionStore } from './store/memory-session-store';
import { RedisKeyValueStore } from './store/redis-key-value-store';
import { redisKeys } from './store/redis-keys';
import { RedisSessionStore } from './store/redis-session-store';
import type { SessionStore } from './store/session-store';

/**
 * Everything the hotline keeps between webhooks, behind one bundle. `redis` is shared by every
 * instance; `memory` (the embedded store) is for a single process in development and loses its
 * state on restart. Both pass the same contract suites.
 */
export interface Store {
  readonly kind: 'redis' | 'memory';
  readonly sessions: SessionStore;
  readonly values: KeyValueStore;
  /** The hand-off records: the human queue and every call handed to agents. */
  readonly handoffs: HandoffStore;
  readonly availability: AgentAvailability;
  /** How calls ended, on their way to the call records' database (SPEC §5). */
  readonly records: RecordStream;
  /** Wrong-attempt counters, locks and SMS quotas (SPEC §3). */
  readonly limits: LimitStores;
  /** Resolves when the backing store answers; rejects fast when it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createRedisStore(redis: Redis, prefix: string, recordsMaxLen = DEFAULT_RECORD_STREAM_MAXLEN): Store {
  const keys = redisKeys(prefix);
  return {
    kind: 'redis',
    sessions: new RedisSessionStore(redis, keys),
    values: new RedisKeyValueStore(redis, keys),
    handoffs: new RedisHandoffStore(redis, prefix, undefined, recordsMaxLen),
    availability: new RedisAgentAvailability(redis, prefix),
    records: new RedisRecordStream(redis, handoffKeys(prefix).records, recordsMaxLen),
    limits: redisLimitStores(redis, prefix),
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export function createMemoryStore(clock: Clock, recordsMaxLen = DEFAULT_RECORD_STREAM_MAXLEN): Store {
  const sessions = new MemorySessionStore(clock);
  const records = new MemoryRecordStream(recordsMaxLen);
  const values = new MemoryKeyValueStore(clock);
  const limits = memoryLimitStores(clock);
  const sweeper = setInterval(() => {
    sessions.sessions.sweep();
    values.values.sweep();
    values.sets.sweep();
    limits.sweep();
  }, 60_000);
  sweeper.unref();
  return {
    kind: 'memory',
    sessions,
    values,
    handoffs: new MemoryHandoffStore(clock, records),
    availability: new MemoryAgentAvailability(),
    records,
    limits,
    ping: async () => undefined,
    close: async () => clearInterval(sweeper),
  };
}

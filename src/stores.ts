import type { Logger } from 'pino';
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
import type { RedisClient } from './store/redis-connection';
import { RedisKeyValueStore } from './store/redis-key-value-store';
import { redisKeys } from './store/redis-keys';
import { RedisSessionStore } from './store/redis-session-store';
import { ReplicaWait } from './store/replica-wait';
import type { SessionStore } from './store/session-store';
import { deploymentOf, pingMasters, storeStatus, type StoreDeployment, type StoreStatus } from './store/store-status';

/**
 * Everything the hotline keeps between webhooks, behind one bundle. `redis` is shared by every
 * instance; `memory` (the embedded store) is for a single process in development and loses its
 * state on restart. Both pass the same contract suites.
 */
export interface Store {
  readonly kind: 'redis' | 'memory';
  readonly deployment: StoreDeployment;
  readonly sessions: SessionStore;
  readonly values: KeyValueStore;
  /** The hand-off records: the human queue and every call handed to agents. */
  readonly handoffs: HandoffStore;
  readonly availability: AgentAvailability;
  /** How calls ended, on their way to the call records' database (SPEC §5). */
  readonly records: RecordStream;
  /** Wrong-attempt counters, locks and SMS quotas (SPEC §3). */
  readonly limits: LimitStores;
  /** Resolves when the backing store answers (every master of a cluster); rejects fast when it does not. */
  ping(): Promise<void>;
  /** The deployment and its state, for /readyz (never rejects: `reachable` says). */
  status(): Promise<StoreStatus>;
  /** Queue writes no replica acknowledged in time since start (SPEC §5: they stand, and are counted). */
  replicaShortfalls(): number;
  close(): Promise<void>;
}

export interface RedisStoreOptions {
  recordsMaxLen?: number;
  /** Where the store logs what it lets pass (a write not yet on a replica). */
  log?: Logger;
}

export function createRedisStore(redis: RedisClient, prefix: string, options: RedisStoreOptions = {}): Store {
  const keys = redisKeys(prefix);
  const recordsMaxLen = options.recordsMaxLen ?? DEFAULT_RECORD_STREAM_MAXLEN;
  const replicaWait = new ReplicaWait(redis, options.log);
  return {
    kind: 'redis',
    deployment: deploymentOf(redis),
    sessions: new RedisSessionStore(redis, keys),
    values: new RedisKeyValueStore(redis, keys),
    handoffs: new RedisHandoffStore(redis, prefix, { recordsMaxLen, replicaWait, ...(options.log ? { log: options.log } : {}) }),
    availability: new RedisAgentAvailability(redis, prefix),
    records: new RedisRecordStream(redis, handoffKeys(prefix).records, recordsMaxLen),
    limits: redisLimitStores(redis, prefix),
    ping: () => pingMasters(redis),
    status: () => storeStatus(redis),
    replicaShortfalls: () => replicaWait.shortfalls,
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
    deployment: 'embedded',
    sessions,
    values,
    handoffs: new MemoryHandoffStore(clock, records),
    availability: new MemoryAgentAvailability(),
    records,
    limits,
    ping: async () => undefined,
    status: async () => ({ deployment: 'embedded', reachable: true }),
    replicaShortfalls: () => 0,
    close: async () => clearInterval(sweeper),
  };
}

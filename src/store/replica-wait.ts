import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { masterOf, type RedisClient } from './redis-connection';

/** How long a write waits for a replica to acknowledge it; beyond, it stands and the shortfall is counted. */
export const REPLICA_WAIT_MS = 100;
/** How often a master's number of replicas is asked again (INFO replication) while writes reach them. */
const REPLICA_CHECK_MS = 30_000;

/**
 * SPEC §5: a write that must survive a failover (the queue's: enqueue, claim, state changes) waits
 * for one replica (`WAIT 1 100`) on the master that took it — on a cluster the master of the
 * key's slot, on Sentinel the master, the same connection the write went over. When no replica
 * acknowledges in time (none attached: a single server, or just after a failover; or one lagging
 * or unreachable) the write stands, and the shortfall is counted (`shortfalls`) and logged (once
 * per master while none is attached, every time one lags).
 */
export class ReplicaWait {
  /** Writes that no replica acknowledged within the wait (REPLICA_WAIT_MS), since start. */
  shortfalls = 0;
  private readonly known = new WeakMap<Redis, { replicas: number; checkedAt: number }>();

  constructor(
    private readonly client: RedisClient,
    private readonly log?: Logger,
    private readonly waitMs = REPLICA_WAIT_MS,
  ) {}

  /** After a write of `key` was applied: never throws (the write stands whatever happens here). */
  async after(key: string, context: Record<string, unknown>): Promise<void> {
    try {
      const master = masterOf(this.client, key);
      const replicas = await this.replicasOf(master);
      if (replicas === 0) return this.shortfall();
      const acknowledged = await master.wait(1, this.waitMs);
      if (acknowledged >= 1) return;
      // Ask again at the next write: the replica may have gone (a failover), or it only lags.
      this.known.delete(master);
      this.shortfall();
      this.log?.warn(context, 'write not yet on a replica; it stands');
    } catch (error) {
      this.shortfall();
      this.log?.warn({ ...context, err: error }, 'could not wait for a replica; the write stands');
    }
  }

  private shortfall(): void {
    this.shortfalls++;
  }

  private async replicasOf(master: Redis): Promise<number> {
    const now = Date.now();
    const known = this.known.get(master);
    if (known && now - known.checkedAt < REPLICA_CHECK_MS) return known.replicas;
    const info = await master.info('replication');
    const replicas = Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0);
    if (replicas === 0 && (known === undefined || known.replicas > 0)) {
      this.log?.warn({ master: `${master.options.host}:${master.options.port}` }, 'no replica attached: writes are not waited for until one is');
    }
    this.known.set(master, { replicas, checkedAt: now });
    return replicas;
  }
}

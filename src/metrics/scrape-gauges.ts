import { Counter, Gauge, type Registry } from 'prom-client';
import { TIERS, type Tier } from '../../flows/vocabulary';
import type { Clock } from '../clock';
import type { HandoffStore } from '../handoff/record/handoff-store';
import type { StoreDeployment } from '../store/store-status';
import { LONGEST_WAIT_SCAN, longestWaitSeconds } from '../handoff/waiting-room/longest-wait';

export interface ScrapeSources {
  /** The store's liveness check (`Store.ping`): resolves when it answers, rejects fast when not. */
  ping(): Promise<void>;
  queue: Pick<HandoffStore, 'depth' | 'list'>;
  clock: Clock;
  /** The store's count of queue writes no replica acknowledged in time (`Store.replicaShortfalls`). */
  replicaShortfalls(): number;
  /** A label of the count: on one server every write is a shortfall (there is no replica), on Sentinel or Cluster it is a warning. */
  deployment: StoreDeployment;
}

/**
 * Per-queue figures read from the shared store at scrape time, so every instance reports the
 * same numbers. When the store does not answer the gauge has no samples for that scrape (never a
 * failed scrape, and never a stale figure); `hotline_store_up` says why.
 */
function queueGauge(registry: Registry, name: string, help: string, read: (tier: Tier) => Promise<number>): void {
  new Gauge({
    name,
    help,
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      try {
        const values = await Promise.all(TIERS.map(async (tier) => [tier, await read(tier)] as const));
        for (const [tier, value] of values) this.set({ queue: tier }, value);
      } catch {
        this.reset();
      }
    },
  });
}

/**
 * What Prometheus reads from the store when it scrapes: its reachability, the queues' depth and
 * longest wait, and the queue writes that stood without a replica's acknowledgement (SPEC §5).
 */
export function registerScrapeGauges(registry: Registry, sources: ScrapeSources): void {
  new Gauge({
    name: 'hotline_store_up',
    help: 'Whether this instance reached its store (Redis) at the last scrape: 1 yes, 0 no',
    registers: [registry],
    async collect() {
      try {
        await sources.ping();
        this.set(1);
      } catch {
        this.set(0);
      }
    },
  });
  new Counter({
    name: 'hotline_replica_wait_shortfalls_total',
    help: 'Queue writes (enqueue, claim, state changes) that no replica acknowledged within the bounded WAIT; they stand (none attached, e.g. a single server or just after a failover, or one lagging)',
    labelNames: ['deployment'],
    registers: [registry],
    collect() {
      // The store counts; the counter follows it (the store's count only grows).
      this.reset();
      this.inc({ deployment: sources.deployment }, sources.replicaShortfalls());
    },
  });
  queueGauge(registry, 'hotline_queue_depth', 'Callers waiting, per queue', (tier) => sources.queue.depth(tier));
  queueGauge(
    registry,
    'hotline_queue_longest_wait_seconds',
    `Longest time a caller now on hold has waited in the queue, in seconds (0: nobody on hold; the first ${LONGEST_WAIT_SCAN} in queue order are read)`,
    (tier) => longestWaitSeconds(sources.queue, tier, sources.clock.now()),
  );
}

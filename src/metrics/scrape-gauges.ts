import { Gauge, type Registry } from 'prom-client';
import { TIERS, type Tier } from '../../flows/vocabulary';
import type { Clock } from '../clock';
import type { HandoffStore } from '../handoff/record/handoff-store';
import { LONGEST_WAIT_SCAN, longestWaitSeconds } from '../handoff/waiting-room/longest-wait';

export interface ScrapeSources {
  /** The store's liveness check (`Store.ping`): resolves when it answers, rejects fast when not. */
  ping(): Promise<void>;
  queue: Pick<HandoffStore, 'depth' | 'list'>;
  clock: Clock;
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

/** The gauges Prometheus reads from the store when it scrapes: its reachability, the queues' depth and longest wait. */
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
  queueGauge(registry, 'hotline_queue_depth', 'Callers waiting, per queue', (tier) => sources.queue.depth(tier));
  queueGauge(
    registry,
    'hotline_queue_longest_wait_seconds',
    `Longest time a caller now on hold has waited in the queue, in seconds (0: nobody on hold; the first ${LONGEST_WAIT_SCAN} in queue order are read)`,
    (tier) => longestWaitSeconds(sources.queue, tier, sources.clock.now()),
  );
}

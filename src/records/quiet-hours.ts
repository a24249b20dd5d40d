import type { Logger } from 'pino';
import { TIERS, type Tier } from '../../flows/vocabulary';
import type { Clock } from '../clock';
import type { BusinessHours } from '../hours/business-hours';
import type { CallRecordsDb, HourlyWait } from './call-records-db';

/** SPEC §5: the last 14 days of records. */
export const QUIET_HOURS_WINDOW_MS = 14 * 86_400_000;
/** An hour with fewer answered callers than this says nothing about its waits. */
export const MIN_CALLS_PER_HOUR = 5;
const REFRESH_MS = 5 * 60_000;

/** Hours of day that lie wholly inside the opening hours of at least one day. */
export function businessHoursOfDay(hours: BusinessHours): Set<number> {
  const inside = new Set<number>();
  for (const rule of hours) {
    for (let hour = 0; hour < 24; hour++) if (rule.opens <= hour * 60 && (hour + 1) * 60 <= rule.closes) inside.add(hour);
  }
  return inside;
}

/** The two business hours with the lowest average wait of each queue, or nothing for a queue with too few records. */
export function quietestHours(waits: readonly HourlyWait[], open: Set<number>): Map<Tier, [number, number]> {
  const quiet = new Map<Tier, [number, number]>();
  for (const queue of TIERS) {
    const known = waits
      .filter((wait) => wait.queue === queue && wait.calls >= MIN_CALLS_PER_HOUR && open.has(wait.hour))
      .sort((a, b) => a.avgWaitSeconds - b.avgWaitSeconds || a.hour - b.hour);
    if (known.length >= 2) quiet.set(queue, [known[0]!.hour, known[1]!.hour]);
  }
  return quiet;
}

/**
 * The quiet hours of each queue, computed in SQL from the records and kept in this instance's
 * memory, refreshed every few minutes in the background: the waiting room reads the cache, never
 * the database.
 */
export class QuietHours {
  private quiet = new Map<Tier, [number, number]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly records: CallRecordsDb,
    private readonly clock: Clock,
    private readonly businessHours: BusinessHours,
    private readonly timeZone: string,
    private readonly log: Logger,
  ) {}

  hours(queue: Tier): readonly [number, number] | null {
    return this.quiet.get(queue) ?? null;
  }

  /** Refreshes now, then every few minutes; a failed refresh keeps what was known. */
  start(): void {
    const tick = () => {
      void this.refresh().catch((error: unknown) => this.log.warn({ err: error }, 'quiet hours not refreshed; keeping the last known'));
      this.timer = setTimeout(tick, REFRESH_MS).unref();
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  async refresh(): Promise<void> {
    const waits = await this.records.hourlyWaits(this.clock.now() - QUIET_HOURS_WINDOW_MS, this.timeZone);
    this.quiet = quietestHours(waits, businessHoursOfDay(this.businessHours));
  }
}

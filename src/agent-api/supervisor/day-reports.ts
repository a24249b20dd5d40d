import type { Logger } from 'pino';
import type { Clock } from '../../clock';
import { localDate } from '../../hours/business-hours';
import { dailyReport, type DailyReport } from '../../records/daily-report';
import type { SqlDatabase } from '../../records/sql/sql-database';
import { TIMED_OUT, within } from '../../records/within';

/** A supervisor never waits longer than this for the day's figures; the live part comes anyway. */
export const REPORT_TIMEOUT_MS = 1000;

/** Why a day's figures are missing: no records database, too slow, or it failed. */
export type ReportGap = 'no-database' | 'timeout' | 'unavailable';

export type DayReading = { report: DailyReport } | { unavailable: ReportGap };

export interface DayReportsOptions {
  /** The records database; without one every reading is `no-database`. */
  db: SqlDatabase | undefined;
  timeZone: string;
  serviceLevelSeconds: number;
  clock: Clock;
  log: Logger;
  timeoutMs?: number;
}

/**
 * The reports of local days (BUSINESS_TIMEZONE) from the call records, as the supervisors read
 * them: within a bounded time, and one query per day at a time however many supervisors ask (a
 * slow database never piles queries up: a request that comes while one runs waits for its answer).
 */
export class DayReports {
  private readonly inFlight = new Map<string, Promise<DailyReport>>();

  constructor(private readonly options: DayReportsOptions) {}

  /** Today, the local day of BUSINESS_TIMEZONE. */
  today(): string {
    return localDate(new Date(this.options.clock.now()), this.options.timeZone);
  }

  async read(day: string): Promise<DayReading> {
    const { db, timeoutMs = REPORT_TIMEOUT_MS, log } = this.options;
    if (!db) return { unavailable: 'no-database' };
    try {
      const report = await within(this.query(db, day), timeoutMs);
      if (report !== TIMED_OUT) return { report };
      log.warn({ day, timeoutMs }, 'day report not read in time; the supervisors get the live figures without it');
      return { unavailable: 'timeout' };
    } catch (error) {
      log.warn({ err: error, day }, 'day report unavailable; the supervisors get the live figures without it');
      return { unavailable: 'unavailable' };
    }
  }

  private query(db: SqlDatabase, day: string): Promise<DailyReport> {
    let running = this.inFlight.get(day);
    if (!running) {
      running = dailyReport(db, day, this.options.timeZone, this.options.serviceLevelSeconds).finally(() => this.inFlight.delete(day));
      this.inFlight.set(day, running);
    }
    return running;
  }
}

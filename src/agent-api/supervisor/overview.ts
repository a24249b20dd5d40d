import type { Clock } from '../../clock';
import type { DailyReport } from '../../records/daily-report';
import type { DayReports, ReportGap } from './day-reports';
import { readFloor, type Floor, type FloorDeps } from './floor';

/** `GET /supervisor/overview` and the `overview` event (SPEC §5 "Supervisors and call records"). */
export interface Overview {
  /** The local day (BUSINESS_TIMEZONE) the figures are of. */
  day: string;
  timeZone: string;
  serviceLevelSeconds: number;
  generatedAt: string;
  /** The queues and agents now; null for a past day. */
  live: Floor | null;
  /** The day's figures from the call records; null when they could not be read (`reportUnavailable` says why). */
  report: DailyReport | null;
  reportUnavailable: ReportGap | null;
}

export interface SupervisorOverviewDeps {
  floor: FloorDeps;
  reports: DayReports;
  clock: Clock;
  timeZone: string;
  serviceLevelSeconds: number;
}

/**
 * The floor for supervisors: the live part from the shared store, today's figures from the call
 * records, read side by side. The records' part is bounded in time (day-reports.ts): a slow or
 * unreachable database leaves it out, never the live part.
 */
export class SupervisorOverview {
  constructor(private readonly deps: SupervisorOverviewDeps) {}

  today(): string {
    return this.deps.reports.today();
  }

  /** Today: live and the day's figures so far. */
  async now(): Promise<Overview> {
    const day = this.today();
    const [live, reading] = await Promise.all([readFloor(this.deps.floor, this.deps.clock.now()), this.deps.reports.read(day)]);
    return this.overview(day, live, reading);
  }

  /** A day's figures only (today's come with the live part). */
  async ofDay(day: string): Promise<Overview> {
    if (day === this.today()) return this.now();
    return this.overview(day, null, await this.deps.reports.read(day));
  }

  private overview(day: string, live: Floor | null, reading: Awaited<ReturnType<DayReports['read']>>): Overview {
    return {
      day,
      timeZone: this.deps.timeZone,
      serviceLevelSeconds: this.deps.serviceLevelSeconds,
      generatedAt: new Date(this.deps.clock.now()).toISOString(),
      live,
      report: 'report' in reading ? reading.report : null,
      reportUnavailable: 'unavailable' in reading ? reading.unavailable : null,
    };
  }
}

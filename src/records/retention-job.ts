import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { CallRecordsDb } from './call-records-db';

const DAY_MS = 86_400_000;
const BATCH = 1000;

/**
 * RECORDS_RETENTION_DAYS: records that started longer ago are deleted, in small batches (no long
 * lock), once soon after start and then every `everyMs`. Safe on every instance at once: a
 * delete finds what another has not deleted yet.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly records: CallRecordsDb,
    private readonly clock: Clock,
    private readonly retentionDays: number,
    private readonly log: Logger,
    private readonly everyMs = 3_600_000,
  ) {}

  start(firstInMs = 60_000): void {
    const tick = () => {
      this.running = this.run().catch((error: unknown) => {
        this.log.warn({ err: error }, 'call records retention did not run; trying again later');
        return 0;
      });
      this.timer = setTimeout(tick, this.everyMs).unref();
    };
    this.timer = setTimeout(tick, firstInMs).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }

  /** Deletes everything past retention; returns how many records. */
  async run(): Promise<number> {
    const cutoff = this.clock.now() - this.retentionDays * DAY_MS;
    let total = 0;
    for (;;) {
      const deleted = await this.records.deleteBefore(cutoff, BATCH);
      total += deleted;
      if (deleted < BATCH) break;
    }
    if (total > 0) this.log.info({ deleted: total, retentionDays: this.retentionDays }, 'call records past retention deleted');
    return total;
  }
}

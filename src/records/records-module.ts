import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { BusinessHours } from '../hours/business-hours';
import type { RecordStream } from '../store/record-stream';
import { CallHistory } from './call-history';
import { CallRecordsDb } from './call-records-db';
import { QuietHours } from './quiet-hours';
import { RecordsWorker, type RecordsWorkerTuning } from './records-worker';
import { RetentionJob } from './retention-job';
import { migrate } from './sql/migrations';
import type { SqlDatabase } from './sql/sql-database';

export interface RecordsModuleDeps {
  stream: RecordStream;
  database: SqlDatabase;
  clock: Clock;
  log: Logger;
  retentionDays: number;
  businessHours: BusinessHours;
  timeZone: string;
  worker?: RecordsWorkerTuning;
}

/** What /readyz tells of the records (it never fails readiness: calls go on while records wait). */
export interface RecordsStatus {
  database: SqlDatabase['kind'];
  /** Facts not yet written, of which `pending` are with a worker; the oldest's age. */
  backlog: number | null;
  pending: number | null;
  oldestSeconds: number | null;
  written: number;
  dropped: number;
  failing: { since: string; error: string } | null;
}

/**
 * The call records (SPEC §5), built once per app: the worker that writes the stream into the
 * database (migrating it first), the retention job, the quiet hours of the waiting room and the
 * callers' history for agents. Started when the app is ready, stopped when it closes.
 */
export function createRecordsModule(deps: RecordsModuleDeps) {
  const log = deps.log.child({ component: 'records' });
  const records = new CallRecordsDb(deps.database);
  const worker = new RecordsWorker({ ...deps.worker, stream: deps.stream, records, log, migrate: () => migrate(deps.database) });
  const retention = new RetentionJob(records, deps.clock, deps.retentionDays, log);
  const quietHours = new QuietHours(records, deps.clock, deps.businessHours, deps.timeZone, log);
  let stopped = false;
  return {
    records,
    worker,
    quietHours,
    history: new CallHistory(records, deps.clock, log),
    start(): void {
      worker.start();
      // Readers start once the schema is there (the worker migrates, retrying while the database is down).
      void worker.migrated.then(() => {
        if (stopped) return;
        quietHours.start();
        retention.start();
      });
    },
    async stop(): Promise<void> {
      stopped = true;
      quietHours.stop();
      await Promise.all([worker.stop(), retention.stop()]);
    },
    async status(): Promise<RecordsStatus> {
      const lag = await deps.stream.lag().catch(() => null);
      const state = worker.status();
      return {
        database: deps.database.kind,
        backlog: lag?.backlog ?? null,
        pending: lag?.pending ?? null,
        oldestSeconds: lag?.oldestAt ? Math.max(0, Math.floor((Date.now() - lag.oldestAt) / 1000)) : lag ? 0 : null,
        written: state.written,
        dropped: state.dropped,
        failing: state.failing && { since: new Date(state.failing.since).toISOString(), error: state.failing.error },
      };
    },
  };
}

export type RecordsModule = ReturnType<typeof createRecordsModule>;

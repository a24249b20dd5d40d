import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { RecordStream, StreamEntry } from '../store/record-stream';
import type { CallRecordsDb } from './call-records-db';
import { decodeFact, type RecordFact } from './record-facts';
import { isOutage } from './sql/sql-database';

export interface RecordsWorkerOptions {
  stream: RecordStream;
  records: CallRecordsDb;
  log: Logger;
  /** Brings the schema up to date before the first write (retried like a write). */
  migrate: () => Promise<unknown>;
  /** Unique per process: the consumer-group member this worker reads as. */
  consumer?: string;
  batchSize?: number;
  /** How long an idle worker waits before looking at the stream again. */
  pollMs?: number;
  /** Entries another worker left unacknowledged this long are taken over (that worker died). */
  claimIdleMs?: number;
  claimEveryMs?: number;
  maxBackoffMs?: number;
}

/** The pace of a worker, apart from what it works on. */
export type RecordsWorkerTuning = Partial<Pick<RecordsWorkerOptions, 'consumer' | 'batchSize' | 'pollMs' | 'claimIdleMs' | 'claimEveryMs' | 'maxBackoffMs'>>;

export interface WorkerStatus {
  consumer: string;
  migrated: boolean;
  written: number;
  /** Entries that could not be read, or that the database refused for their data: logged at error. */
  dropped: number;
  /** The last failure while the worker is failing, null once it writes again. */
  failing: { since: number; error: string } | null;
}

const MIN_BACKOFF_MS = 500;

/**
 * Writes the record stream into the call records' database, on every instance: a consumer group
 * gives each entry to one worker; a worker acknowledges (and deletes) entries only after the
 * database took them, so every fact is written at least once, and the merge by callSid makes
 * repeats harmless. While the database is down entries stay pending and the worker retries with
 * growing pauses (up to maxBackoffMs); entries a dead worker held are taken over after claimIdleMs.
 */
export class RecordsWorker {
  readonly consumer: string;
  private running = false;
  private loop: Promise<void> | undefined;
  private groupReady = false;
  private lastClaimAt = 0;
  private wake: AbortController | undefined;
  private readonly state: WorkerStatus;
  private readonly migratedPromise: Promise<void>;
  private resolveMigrated!: () => void;

  constructor(private readonly options: RecordsWorkerOptions) {
    this.consumer = options.consumer ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.state = { consumer: this.consumer, migrated: false, written: 0, dropped: 0, failing: null };
    this.migratedPromise = new Promise((resolve) => (this.resolveMigrated = resolve));
  }

  /** Resolves once the schema is up to date (readers wait for it). */
  get migrated(): Promise<void> {
    return this.migratedPromise;
  }

  status(): WorkerStatus {
    return { ...this.state, failing: this.state.failing && { ...this.state.failing } };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.abort();
    await this.loop;
  }

  /**
   * One round: this worker's own unacknowledged entries first (a write that failed), then, now and
   * then, entries a dead worker left, then new ones. Returns how many entries it handled.
   */
  async round(): Promise<number> {
    const { stream } = this.options;
    if (!this.state.migrated) {
      await this.options.migrate();
      this.state.migrated = true;
      this.resolveMigrated();
    }
    if (!this.groupReady) {
      await stream.ensureGroup();
      this.groupReady = true;
    }
    const batch = this.options.batchSize ?? 200;
    let entries = await stream.readPending(this.consumer, batch);
    const now = Date.now();
    if (entries.length === 0 && now - this.lastClaimAt >= (this.options.claimEveryMs ?? 15_000)) {
      this.lastClaimAt = now;
      entries = await stream.claimIdle(this.consumer, this.options.claimIdleMs ?? 120_000, batch);
    }
    if (entries.length === 0) entries = await stream.readNew(this.consumer, batch);
    if (entries.length > 0) await this.write(entries);
    return entries.length;
  }

  private async run(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    while (this.running) {
      let pause = 0;
      try {
        const handled = await this.round();
        if (this.state.failing) this.options.log.info({ since: this.state.failing.since }, 'call records are written again');
        this.state.failing = null;
        backoff = MIN_BACKOFF_MS;
        if (handled === 0) pause = this.options.pollMs ?? 500;
      } catch (error) {
        if (/NOGROUP/.test(String((error as Error).message))) this.groupReady = false;
        const first = this.state.failing === null;
        this.state.failing = { since: this.state.failing?.since ?? Date.now(), error: String((error as Error).message) };
        // Loud once, then quiet: an outage is one event, not one log line per retry.
        this.options.log[first ? 'warn' : 'debug']({ err: error, retryInMs: backoff }, 'call records not written yet; they wait in the stream');
        pause = backoff;
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 30_000);
      }
      if (pause > 0 && this.running) await this.pause(pause);
    }
  }

  private async pause(ms: number): Promise<void> {
    this.wake = new AbortController();
    await sleep(ms, undefined, { signal: this.wake.signal }).catch(() => undefined);
  }

  /** Writes the entries' facts and acknowledges them; a database outage leaves them all pending. */
  private async write(entries: StreamEntry[]): Promise<void> {
    const readable: Array<{ entry: StreamEntry; fact: RecordFact }> = [];
    for (const entry of entries) {
      const fact = decodeFact(entry.fact);
      if (fact) readable.push({ entry, fact });
      else this.drop(entry, new Error('unreadable call-record fact'));
    }
    let written = readable.length;
    try {
      await this.options.records.write(readable.map((item) => item.fact));
    } catch (error) {
      if (isOutage(error)) throw error;
      // One fact the database refuses must not hold back the others: each alone, the refused dropped.
      for (const item of readable) {
        await this.options.records.write([item.fact]).catch((refusal: unknown) => {
          if (isOutage(refusal)) throw refusal;
          written -= 1;
          this.drop(item.entry, refusal, item.fact.callSid);
        });
      }
    }
    await this.options.stream.done(entries.map((entry) => entry.id));
    this.state.written += written;
  }

  private drop(entry: StreamEntry, error: unknown, callSid?: string): void {
    this.state.dropped += 1;
    this.options.log.error({ err: error, entryId: entry.id, callSid }, 'call-record fact dropped');
  }
}

import type { AnswerTrouble } from './apology-detector';

/** Counts are kept per 100 ms of the run, so any window (around a kill) can be summed afterwards. */
const BUCKET_MS = 100;

interface Bucket {
  webhooks: number;
  not200: number;
  apologies: number;
  restarts: number;
}

/** Why a simulated call did not complete. */
export type CallFailure = 'webhook not 200' | 'wrong prompt' | 'hung up by the hotline' | 'no agent update' | 'not connected' | 'unfinished';

export interface WindowFigures extends Bucket {
  seconds: number;
}

/** Everything the soak counts while it runs. Times are milliseconds since the run started. */
export class SoakStats {
  readonly startedAt = Date.now();
  private readonly buckets: Bucket[] = [];
  private readonly latencies: number[][] = [];
  webhooks = 0;
  not200 = 0;
  apologies = 0;
  restarts = 0;
  /** Status callbacks never answered 2xx, however often Twilio tried. */
  statusRefused = 0;
  /** Status callbacks answered 5xx (or not at all) and tried again. */
  statusRetried = 0;
  readonly notOkByStatus: Record<string, number> = {};
  callsStarted = 0;
  callsCompleted = 0;
  callsToAgent = 0;
  callsServed = 0;
  active = 0;
  readonly failures: Partial<Record<CallFailure, number>> = {};
  /** Agent API answers, as `claim 200`. */
  readonly agentApi: Record<string, number> = {};

  now(): number {
    return Date.now() - this.startedAt;
  }

  /** One webhook whose answer must be 200 TwiML; `status` is the HTTP status, or why there was none. */
  webhook(sentAt: number, status: number | 'no answer' | 'not within 15 s', trouble: AnswerTrouble): void {
    const latency = this.now() - sentAt;
    const minute = Math.floor(sentAt / 60_000);
    (this.latencies[minute] ??= []).push(latency);
    const bucket = this.bucket(sentAt);
    bucket.webhooks += 1;
    this.webhooks += 1;
    if (status !== 200) {
      bucket.not200 += 1;
      this.not200 += 1;
      const label = String(status);
      this.notOkByStatus[label] = (this.notOkByStatus[label] ?? 0) + 1;
    }
    if (trouble === 'apology') {
      bucket.apologies += 1;
      this.apologies += 1;
    }
    if (trouble === 'restart') {
      bucket.restarts += 1;
      this.restarts += 1;
    }
  }

  /** The first few failures as they happened, to read what went wrong. */
  readonly failureExamples: string[] = [];

  failed(reason: CallFailure, detail: string): void {
    this.failures[reason] = (this.failures[reason] ?? 0) + 1;
    if (this.failureExamples.length < 5) this.failureExamples.push(`${Math.round(this.now() / 100) / 10} s: ${detail}`);
  }

  agentAnswer(what: string): void {
    this.agentApi[what] = (this.agentApi[what] ?? 0) + 1;
  }

  /** Webhooks sent between `from` and `to` (ms since the start). */
  window(from: number, to: number): WindowFigures {
    const sum: WindowFigures = { seconds: (to - from) / 1000, webhooks: 0, not200: 0, apologies: 0, restarts: 0 };
    for (let i = Math.floor(from / BUCKET_MS); i <= Math.floor(to / BUCKET_MS) && i < this.buckets.length; i++) {
      const bucket = this.buckets[i];
      if (!bucket) continue;
      sum.webhooks += bucket.webhooks;
      sum.not200 += bucket.not200;
      sum.apologies += bucket.apologies;
      sum.restarts += bucket.restarts;
    }
    return sum;
  }

  /** p50 / p99 / max latency (ms) of the webhooks sent in each minute of the run. */
  latencyByMinute(): Array<{ minute: number; webhooks: number; p50: number; p99: number; max: number }> {
    return this.latencies.flatMap((list, minute) => {
      if (!list || list.length === 0) return [];
      const sorted = Float64Array.from(list).sort();
      const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
      return [{ minute, webhooks: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1]! }];
    });
  }

  private bucket(at: number): Bucket {
    const index = Math.floor(at / BUCKET_MS);
    return (this.buckets[index] ??= { webhooks: 0, not200: 0, apologies: 0, restarts: 0 });
  }
}

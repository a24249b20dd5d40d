import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { CallbackFailures } from './callbacks/callback-failures';
import type { HandoffRecords, StepResult } from './record/handoff-records';
import { leaseLapsed } from './record/transitions/agent-transitions';
import { callbackDue, callbackExpired, reapGhost } from './record/transitions/waiting-transitions';

/** Asks Twilio whether a call our records think is a ghost is in fact still waiting (live mode). */
export type StillQueued = (callSid: string) => Promise<boolean>;

/** Each timer handles at most this many records per tick, so one tick never blocks the store for long. */
const BATCH = 200;

/**
 * The hand-off's timers, on every instance at once (each step is atomic: whoever comes first
 * applies it, the others find it done): lapsed leases (a transient bridge failure), ghosts (a
 * waiting caller whose wait URL went quiet for QUEUE_HEARTBEAT_SECONDS), callback retries that
 * came due, and callback requests that expired. A tick every 2 s handles each within 5 s of
 * its deadline.
 */
export class HandoffSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly records: HandoffRecords,
    private readonly callbackFailures: CallbackFailures,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly stillQueued?: StillQueued,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    // A sweeper alone must not keep the process (or a test) alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One tick; returns the CallSids each timer moved on. */
  async sweep(): Promise<{ lapsed: string[]; ghosts: string[]; due: string[]; expired: string[] }> {
    const empty = { lapsed: [], ghosts: [], due: [], expired: [] };
    if (this.running) return empty;
    this.running = true;
    try {
      const { records, clock } = this;
      const { rules } = records;
      const now = clock.now();
      const lapsed = done(await records.dueSteps('leases', now, BATCH, (stored) => leaseLapsed(stored, now, rules, randomUUID())));
      for (const result of lapsed) await this.callbackFailures.afterStep(result);
      const ghosts = await this.reapGhosts(now);
      const due = done(await records.dueSteps('retries', now, BATCH, (stored) => callbackDue(stored, now, randomUUID())));
      const expired = done(await records.dueSteps('expiries', now, BATCH, (stored) => callbackExpired(stored, now, randomUUID())));
      const moved = { lapsed: sids(lapsed), ghosts, due: sids(due), expired: sids(expired) };
      if (lapsed.length + ghosts.length > 0) this.log.warn({ lapsed: moved.lapsed, ghosts }, 'hand-off sweep: lapsed claims back in line, ghosts closed');
      return moved;
    } catch (error) {
      this.log.error({ err: error }, 'hand-off sweep failed; trying again at the next tick');
      return empty;
    } finally {
      this.running = false;
    }
  }

  /** In live mode Twilio is asked first, and a caller it says is still queued is kept (and seen). */
  private async reapGhosts(now: number): Promise<string[]> {
    const { records } = this;
    const reaped: string[] = [];
    for (const callSid of await records.due('heartbeats', now - records.rules.heartbeatMs, BATCH)) {
      if (this.stillQueued && (await this.askTwilio(callSid))) {
        await records.heartbeat(callSid);
        continue;
      }
      const result = await records.run(callSid, (stored) => reapGhost(stored, now, records.rules, randomUUID()));
      if (result.kind === 'done') reaped.push(callSid);
    }
    return reaped;
  }

  /** A caller is only closed when Twilio says so: an error asking counts as "still there". */
  private async askTwilio(callSid: string): Promise<boolean> {
    try {
      return await this.stillQueued!(callSid);
    } catch (error) {
      this.log.warn({ err: error, callSid }, 'could not ask Twilio about a quiet waiting caller; keeping them');
      return true;
    }
  }
}

function done(results: StepResult[]): Array<Extract<StepResult, { kind: 'done' }>> {
  return results.filter((result): result is Extract<StepResult, { kind: 'done' }> => result.kind === 'done');
}

function sids(results: Array<Extract<StepResult, { kind: 'done' }>>): string[] {
  return results.map((result) => result.record.callSid);
}

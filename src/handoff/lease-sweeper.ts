import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { HumanQueue } from '../queue/human-queue';

/**
 * Puts claimed callers whose bridge never came up (the agent's instance died, Twilio never
 * called back) back at the front. Runs on every instance: the queue requeues each lapsed lease
 * exactly once, whoever sweeps first.
 */
export class LeaseSweeper {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: HumanQueue,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly intervalMs = 5000,
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

  async sweep(): Promise<string[]> {
    try {
      const requeued = await this.queue.sweepExpiredLeases(this.clock.now());
      if (requeued.length > 0) this.log.warn({ callSids: requeued }, 'claims lapsed before the agent answered; callers back at the front');
      return requeued;
    } catch (error) {
      this.log.error({ err: error }, 'lease sweep failed; trying again at the next tick');
      return [];
    }
  }
}

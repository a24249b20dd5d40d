import type { Scheduler } from '../../src/scheduler';
import type { ManualClock } from './manual-clock';

/**
 * The app's background work on a test's ManualClock: nothing runs until the test moves the clock
 * and calls runDue(), which runs what came due in deadline order (then order of scheduling) and
 * waits for it, so a run replays the same way however loaded the machine is.
 */
export class ManualScheduler implements Scheduler {
  private queue: Array<{ at: number; seq: number; work: () => Promise<void> }> = [];
  private seq = 0;

  constructor(private readonly clock: ManualClock) {}

  after(ms: number, work: () => Promise<void>): void {
    this.queue.push({ at: this.clock.now() + ms, seq: this.seq++, work });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Runs every piece of work due by now, including what that work schedules due by now; answers how many ran. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const now = this.clock.now();
      const due = this.queue.filter((entry) => entry.at <= now).sort((x, y) => x.at - y.at || x.seq - y.seq)[0];
      if (!due) return ran;
      this.queue = this.queue.filter((entry) => entry !== due);
      await due.work();
      ran += 1;
    }
  }
}

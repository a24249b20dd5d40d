/**
 * Runs background work after a delay, off the request path (a step retried after a store blip).
 * Injected like the clock, so a test that moves its clock by hand runs the work on that clock.
 */
export interface Scheduler {
  after(ms: number, work: () => Promise<void>): void;
}

/** Real timers; a pending retry must not keep the process alive. */
export const systemScheduler: Scheduler = {
  after(ms, work) {
    setTimeout(() => void work(), ms).unref();
  },
};

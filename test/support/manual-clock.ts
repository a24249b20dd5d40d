import type { Clock } from '../../src/clock';

/** A clock the test moves by hand; it starts on a Wednesday at 10:00 in Shanghai (inside business hours). */
export class ManualClock implements Clock {
  constructor(public time = Date.parse('2026-11-25T10:00:00+08:00')) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

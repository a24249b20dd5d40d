import type { KeyValueStore } from '../store/key-value-store';

/** How often a number already reached an agent today, for the agent who takes its next call. */
export interface HandoffCounter {
  /**
   * Counts `callSid` as a call from `from` that reached an agent (once per call, however often it
   * is claimed again after an escalation or a failed bridge) and returns how many *other* calls
   * from that number reached an agent earlier the same local day.
   */
  countHandoff(callSid: string, from: string, now: number): Promise<number>;
}

const DAY_MS = 24 * 3600_000;

/**
 * Counters in the shared key-value store, one per number per local day, so every instance counts
 * alike. A per-call marker makes re-claims of the same call (escalation, requeue) count once.
 */
export class KeyValueHandoffCounter implements HandoffCounter {
  private readonly day: Intl.DateTimeFormat;

  constructor(
    private readonly values: KeyValueStore,
    timeZone: string,
  ) {
    // en-CA formats as YYYY-MM-DD: a stable key part.
    this.day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  async countHandoff(callSid: string, from: string, now: number): Promise<number> {
    const countKey = `agent-api:handoffs:${from.replace(/\D/g, '')}:${this.day.format(now)}`;
    // Both keys live two days: longer than the local day they count, whatever the time zone.
    const firstClaim = (await this.values.increment(`agent-api:handoff-counted:${callSid}`, 2 * DAY_MS)) === 1;
    if (firstClaim) return (await this.values.increment(countKey, 2 * DAY_MS)) - 1;
    const count = Number((await this.values.get(countKey)) ?? '1');
    return Math.max(0, count - 1);
  }
}

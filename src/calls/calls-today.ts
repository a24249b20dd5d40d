import type { KeyValueStore } from '../store/key-value-store';
import { isDialable } from '../twilio/caller-id';

/** Longer than any local day, whatever the time zone. */
const KEEP_MS = 2 * 24 * 3600_000;

/**
 * The calls each number made today (local day of the business time zone), so the agent who
 * takes a caller sees how often they already tried. A set of CallSids: Twilio retrying a webhook
 * never counts a call twice.
 */
export class CallsToday {
  private readonly day: Intl.DateTimeFormat;

  constructor(
    private readonly values: KeyValueStore,
    timeZone: string,
  ) {
    // en-CA formats as YYYY-MM-DD: a stable key part.
    this.day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  async record(from: string, callSid: string, now: number): Promise<void> {
    const key = this.key(from, now);
    if (key) await this.values.addToSet(key, callSid, KEEP_MS);
  }

  /** Calls from `from` today, the current one included. */
  async count(from: string, now: number): Promise<number> {
    const key = this.key(from, now);
    return key ? this.values.setSize(key) : 0;
  }

  /** Strangers (withheld, SIP) are not counted: they would all look like one caller. */
  private key(from: string, now: number): string | null {
    return isDialable(from) ? `calls-today:${from.replace(/\D/g, '')}:${this.day.format(now)}` : null;
  }
}

import type { KeyValueStore } from '../store/key-value-store';
import { isDialable } from '../twilio/caller-id';

/** SPEC §4: a caller who asked about the same thing within 24 h ranks as a repeat caller. */
const REPEAT_WINDOW_MS = 24 * 3600 * 1000;

/** Who asked for an agent about what, shared by every instance, forgotten after 24 h. */
export class CallerHistory {
  constructor(private readonly values: KeyValueStore) {}

  /** Strangers (withheld, SIP) are never "the same caller" as anyone (SPEC §3). */
  async askedRecently(from: string, intent: string): Promise<boolean> {
    if (!isDialable(from)) return false;
    return (await this.values.get(key(from, intent))) !== null;
  }

  /** Strangers cannot be recognised and are not recorded. */
  async record(from: string, intent: string, callSid: string): Promise<void> {
    if (!isDialable(from)) return;
    await this.values.set(key(from, intent), callSid, REPEAT_WINDOW_MS);
  }
}

function key(from: string, intent: string): string {
  return `handoff:asked:${from}:${intent}`;
}

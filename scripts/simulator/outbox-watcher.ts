import { callMoveOf, fetchDevOutbox, type CallMove, type OutboxEntry } from '../lib/dev-outbox';
import type { HttpPoster } from '../lib/http-poster';

export type { CallMove } from '../lib/dev-outbox';

/**
 * Watches the server's outbox for what a real phone and Twilio would notice on their own: SMS
 * reaching the caller's phone, and REST updates that move this call.
 */
export class OutboxWatcher {
  private readonly seen = new Set<string>();
  private available = true;

  constructor(
    private readonly poster: HttpPoster,
    private readonly baseUrl: string,
    private readonly call: { callSid: string; from: string },
  ) {}

  /** New outbox entries since the last look; prints SMS to the caller's phone. */
  async read(print: boolean): Promise<OutboxEntry[]> {
    if (!this.available) return [];
    let entries: OutboxEntry[];
    try {
      const outbox = await fetchDevOutbox(this.poster.get, this.baseUrl);
      if (!outbox) {
        this.available = false;
        if (print) console.log('   (GET /dev/outbox is not there: the server is not in simulate mode; SMS go out for real)');
        return [];
      }
      entries = outbox;
    } catch {
      return [];
    }
    const fresh: OutboxEntry[] = [];
    for (const entry of entries) {
      const key = JSON.stringify(entry);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      fresh.push(entry);
    }
    if (print) {
      for (const entry of fresh) {
        if (entry.kind === 'sms' && entry.to === this.call.from) console.log(`📱 SMS to ${entry.to}: ${entry.body}`);
      }
    }
    return fresh;
  }

  /** The first new call update that moves this call, as it would in Twilio; undefined when none did. */
  async nextMove(): Promise<CallMove | undefined> {
    for (const entry of await this.read(true)) {
      const move = callMoveOf(entry, this.call.callSid);
      if (move?.kind === 'twiml') console.log('↪  the hotline moved the call (new TwiML)');
      if (move?.kind === 'url') console.log(`↪  the hotline moved the call to ${move.url}`);
      if (move) return move;
    }
    return undefined;
  }
}

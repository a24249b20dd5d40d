import type { HttpPoster } from '../lib/http-poster';

/** What the simulated Twilio gateway recorded instead of sending (GET /dev/outbox in simulate mode). */
interface OutboxEntry {
  kind: 'sms' | 'call-update' | 'call';
  to?: string;
  body?: string;
  callSid?: string;
  twiml?: string;
  url?: string;
  status?: string;
  at: string;
}

/** How the hotline moved the call through the REST API (`calls(sid).update`). */
export type CallMove = { kind: 'ended' } | { kind: 'twiml'; twiml: string } | { kind: 'url'; url: string };

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
      const answer = await this.poster.get(`${this.baseUrl}/dev/outbox`);
      if (answer.status !== 200) {
        this.available = false;
        if (print) console.log('   (GET /dev/outbox is not there: the server is not in simulate mode; SMS go out for real)');
        return [];
      }
      entries = JSON.parse(answer.body) as OutboxEntry[];
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
    const updates = (await this.read(true)).filter((entry) => entry.kind === 'call-update' && entry.callSid === this.call.callSid);
    for (const update of updates) {
      if (update.status === 'completed' || update.status === 'canceled') return { kind: 'ended' };
      if (update.twiml) {
        console.log('↪  the hotline moved the call (new TwiML)');
        return { kind: 'twiml', twiml: update.twiml };
      }
      if (update.url) {
        console.log(`↪  the hotline moved the call to ${update.url}`);
        return { kind: 'url', url: update.url };
      }
    }
    return undefined;
  }
}

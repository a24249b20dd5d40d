import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { CallUpdate, OutboundCall, OutboundSms, TwilioGateway } from './twilio-gateway';

export type OutboxEntry =
  | { kind: 'sms'; to: string; body: string; callSid?: string; at: string }
  | { kind: 'call-update'; callSid: string; twiml?: string; url?: string; status?: string; at: string }
  | { kind: 'call'; sid: string; to: string; twiml?: string; url?: string; callSid?: string; at: string };

/** Keeps memory bounded when the simulator runs for days. */
const OUTBOX_LIMIT = 1000;

/** Sends nothing: records what live mode would send, for `GET /dev/outbox` and tests. */
export class SimulatedTwilioGateway implements TwilioGateway {
  readonly mode = 'simulate' as const;
  private readonly entries: OutboxEntry[] = [];

  constructor(private readonly clock: Clock) {}

  outbox(): readonly OutboxEntry[] {
    return this.entries;
  }

  async sendSms(sms: OutboundSms): Promise<void> {
    this.record({ kind: 'sms', to: sms.to, body: sms.body, callSid: sms.callSid, at: this.at() });
  }

  async updateCall(callSid: string, update: CallUpdate): Promise<void> {
    this.record({ kind: 'call-update', callSid, ...update, at: this.at() });
  }

  async createCall(call: OutboundCall): Promise<string> {
    const sid = `CA${randomBytes(16).toString('hex')}`;
    this.record({ kind: 'call', sid, to: call.to, twiml: call.twiml, url: call.url, callSid: call.forCallSid, at: this.at() });
    return sid;
  }

  private at(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private record(entry: OutboxEntry): void {
    this.entries.push(entry);
    if (this.entries.length > OUTBOX_LIMIT) this.entries.shift();
  }
}

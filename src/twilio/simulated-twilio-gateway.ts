import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { TwilioRequestError, type TwilioOperation } from './twilio-errors';
import type { CallUpdate, OutboundCall, OutboundSms, TwilioGateway } from './twilio-gateway';

export type OutboxEntry =
  | { kind: 'sms'; to: string; body: string; callSid?: string; at: string }
  | { kind: 'call-update'; callSid: string; twiml?: string; url?: string; status?: string; at: string }
  | { kind: 'call'; sid: string; to: string; twiml?: string; url?: string; callSid?: string; at: string }
  /**
   * What Twilio would have refused, with its error code: `attempted` is the kind the entry would
   * have had. `to` for an SMS or outbound call; `callSid` the call it was for (the updated call,
   * or the call an SMS or callback belongs to). An SMS's body is not kept.
   */
  | { kind: 'refused'; attempted: 'sms' | 'call-update' | 'call'; code: number; reason: string; to?: string; callSid?: string; at: string };

/**
 * What Twilio answers its test credentials for the magic `To` numbers
 * (https://www.twilio.com/docs/iam/test-credentials, "Magic Input"). The codes differ between
 * Messages and Calls for the same number; `+15005550009` (not a mobile number) exists for SMS only.
 */
export const MAGIC_TO_NUMBERS: Readonly<Record<string, { sms?: number; call?: number; meaning: string }>> = {
  '+15005550001': { sms: 21211, call: 21217, meaning: 'invalid number' },
  '+15005550002': { sms: 21612, call: 21214, meaning: 'cannot route' },
  '+15005550003': { sms: 21408, call: 21215, meaning: 'no international permission' },
  '+15005550004': { sms: 21610, call: 21216, meaning: 'blocked' },
  '+15005550009': { sms: 21614, meaning: 'not a mobile number' },
};

/**
 * Keeps memory bounded when the simulator runs for days; large enough that a loaded soak's agents
 * still find their claim's call update among thousands of SMS sent meanwhile.
 */
const OUTBOX_LIMIT = 10_000;
const ENDED_CALLS_LIMIT = 10_000;

/**
 * Sends nothing: records what live mode would send, for `GET /dev/outbox` and tests. Refuses what
 * Twilio would refuse with test credentials: the magic `To` numbers (MAGIC_TO_NUMBERS), and any
 * update of a call it was told has ended (`callEnded`), with 21220. Refusals throw a
 * TwilioRequestError and are recorded too, as `kind: 'refused'`.
 */
export class SimulatedTwilioGateway implements TwilioGateway {
  readonly mode = 'simulate' as const;
  private readonly entries: OutboxEntry[] = [];
  /** Insertion-ordered, so the oldest are forgotten first. */
  private readonly ended = new Set<string>();

  constructor(private readonly clock: Clock) {}

  outbox(): readonly OutboxEntry[] {
    return this.entries;
  }

  /** Twilio said the call ended (its status callback): updates of it now fail with 21220. */
  callEnded(callSid: string): void {
    this.ended.delete(callSid);
    this.ended.add(callSid);
    if (this.ended.size > ENDED_CALLS_LIMIT) this.ended.delete(this.ended.values().next().value!);
  }

  async sendSms(sms: OutboundSms): Promise<void> {
    const code = MAGIC_TO_NUMBERS[sms.to]?.sms;
    if (code !== undefined) throw this.refuse('sms', code, { to: sms.to, callSid: sms.callSid });
    this.record({ kind: 'sms', to: sms.to, body: sms.body, callSid: sms.callSid, at: this.at() });
  }

  async updateCall(callSid: string, update: CallUpdate): Promise<void> {
    if (this.ended.has(callSid)) throw this.refuse('call-update', 21220, { callSid });
    this.record({ kind: 'call-update', callSid, ...update, at: this.at() });
  }

  async createCall(call: OutboundCall): Promise<string> {
    const code = MAGIC_TO_NUMBERS[call.to]?.call;
    if (code !== undefined) throw this.refuse('call', code, { to: call.to, callSid: call.forCallSid });
    const sid = `CA${randomBytes(16).toString('hex')}`;
    this.record({ kind: 'call', sid, to: call.to, twiml: call.twiml, url: call.url, callSid: call.forCallSid, at: this.at() });
    return sid;
  }

  private refuse(attempted: TwilioOperation, code: number, about: { to?: string; callSid?: string }): TwilioRequestError {
    const error = TwilioRequestError.refused(attempted, code);
    const entry: OutboxEntry = { kind: 'refused', attempted, code, reason: error.message, at: this.at() };
    if (about.to !== undefined) entry.to = about.to;
    if (about.callSid !== undefined) entry.callSid = about.callSid;
    this.record(entry);
    return error;
  }

  private at(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private record(entry: OutboxEntry): void {
    this.entries.push(entry);
    if (this.entries.length > OUTBOX_LIMIT) this.entries.shift();
  }
}

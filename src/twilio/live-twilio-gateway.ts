import twilio from 'twilio';
import { TwilioRequestError, type TwilioOperation } from './twilio-errors';
import type { CallUpdate, OutboundCall, OutboundSms, TwilioGateway } from './twilio-gateway';

/**
 * How long one REST request may take, socket and answer (twilio-node's `timeout` client option,
 * passed to its https.Agent and to axios; its default is 30 s). Twilio answers in well under a
 * second; a hung socket must not hold a caller's retry for longer than this.
 */
export const TWILIO_REQUEST_TIMEOUT_MS = 5000;

export interface LiveTwilioGatewayOptions {
  /** Per-request timeout in ms; default TWILIO_REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
}

/**
 * Twilio's REST API through twilio-node. Every failure reaches the caller as a classified
 * TwilioRequestError (see twilio-errors.ts); nothing here retries (twilio-node's own `autoRetry`
 * stays off: it retries only 429s, and the patient gateway does that and more).
 */
export class LiveTwilioGateway implements TwilioGateway {
  readonly mode = 'live' as const;
  private readonly client: twilio.Twilio;

  constructor(accountSid: string, authToken: string, private readonly fromNumber: string, options: LiveTwilioGatewayOptions = {}) {
    this.client = twilio(accountSid, authToken, { timeout: options.timeoutMs ?? TWILIO_REQUEST_TIMEOUT_MS });
  }

  async sendSms(sms: OutboundSms): Promise<void> {
    await classified('sms', () => this.client.messages.create({ to: sms.to, from: this.fromNumber, body: sms.body }));
  }

  async updateCall(callSid: string, update: CallUpdate): Promise<void> {
    await classified('call-update', () => this.client.calls(callSid).update(update));
  }

  async createCall(call: OutboundCall): Promise<string> {
    const created = await classified('call', () =>
      this.client.calls.create({
        to: call.to,
        from: this.fromNumber,
        ...(call.twiml ? { twiml: call.twiml } : { url: call.url! }),
        ...(call.statusCallback ? { statusCallback: call.statusCallback } : {}),
        ...(call.timeoutSeconds ? { timeout: call.timeoutSeconds } : {}),
      }),
    );
    return created.sid;
  }

  async callStatus(callSid: string): Promise<string> {
    const call = await classified('call', () => this.client.calls(callSid).fetch());
    return call.status;
  }
}

async function classified<T>(operation: TwilioOperation, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw TwilioRequestError.from(operation, error);
  }
}

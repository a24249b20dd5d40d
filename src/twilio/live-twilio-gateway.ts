import twilio from 'twilio';
import type { CallUpdate, OutboundCall, OutboundSms, TwilioGateway } from './twilio-gateway';

/** Twilio's REST API through twilio-node. Errors (RestException) propagate to the caller. */
export class LiveTwilioGateway implements TwilioGateway {
  readonly mode = 'live' as const;
  private readonly client: twilio.Twilio;

  constructor(accountSid: string, authToken: string, private readonly fromNumber: string) {
    this.client = twilio(accountSid, authToken);
  }

  async sendSms(sms: OutboundSms): Promise<void> {
    await this.client.messages.create({ to: sms.to, from: this.fromNumber, body: sms.body });
  }

  async updateCall(callSid: string, update: CallUpdate): Promise<void> {
    await this.client.calls(callSid).update(update);
  }

  async createCall(call: OutboundCall): Promise<string> {
    const created = await this.client.calls.create({
      to: call.to,
      from: this.fromNumber,
      ...(call.twiml ? { twiml: call.twiml } : { url: call.url! }),
      ...(call.statusCallback ? { statusCallback: call.statusCallback } : {}),
    });
    return created.sid;
  }
}

/**
 * Everything the hotline sends to Twilio on its own initiative (not as a webhook answer):
 * SMS, moving a live call to new TwiML, and outbound calls. `live` uses the REST API,
 * `simulate` records to an outbox.
 */
export interface OutboundSms {
  to: string;
  body: string;
  callSid?: string;
}

export interface CallUpdate {
  twiml?: string;
  url?: string;
  status?: 'completed' | 'canceled';
}

export interface OutboundCall {
  to: string;
  twiml?: string;
  url?: string;
  statusCallback?: string;
  /** The call this one is made for (a callback request), for logs and the outbox. */
  forCallSid?: string;
}

export interface TwilioGateway {
  readonly mode: 'live' | 'simulate';
  sendSms(sms: OutboundSms): Promise<void>;
  updateCall(callSid: string, update: CallUpdate): Promise<void>;
  /** Returns the new call's sid. */
  createCall(call: OutboundCall): Promise<string>;
}

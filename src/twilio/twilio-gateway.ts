/**
 * Everything the hotline sends to Twilio on its own initiative (not as a webhook answer):
 * SMS, moving a live call to new TwiML, and outbound calls. `live` uses the REST API,
 * `simulate` records to an outbox.
 *
 * A failure rejects with a TwilioRequestError (twilio-errors.ts): `classifyTwilioError(error)`
 * tells a refusal for good (`terminal`) from a blip (`transient`). Wrapped in a
 * PatientTwilioGateway (patient-twilio-gateway.ts), an SMS or call update that Twilio has not
 * answered within the budget resolves as if done and goes on in the background.
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
  /** How long the callee's phone rings before Twilio gives up (CALLBACK_RING_SECONDS). */
  timeoutSeconds?: number;
}

export interface TwilioGateway {
  readonly mode: 'live' | 'simulate';
  sendSms(sms: OutboundSms): Promise<void>;
  updateCall(callSid: string, update: CallUpdate): Promise<void>;
  /** Returns the new call's sid. */
  createCall(call: OutboundCall): Promise<string>;
  /**
   * Twilio said the call ended (status callback). Optional: the simulated gateway then refuses
   * updates of that call with 21220, as Twilio does; the live gateway needs no telling.
   */
  callEnded?(callSid: string): void;
  /** Twilio's status of a call (`queued`, `in-progress`, `completed`, …); live mode only (the ghost check). */
  callStatus?(callSid: string): Promise<string>;
}

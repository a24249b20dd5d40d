import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

/**
 * What Twilio posts to the hotline's webhooks, written once for the tests, the simulator and the
 * benchmark: the fields of an inbound call, the fields of each kind of webhook, the signature
 * (X-Twilio-Signature) and how a post is encoded. See /work/shared/TWILIO.md, "What Twilio posts to us".
 */

/** The account of every simulated call (twilio-node refuses account SIDs that do not start with AC). */
export const ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const API_VERSION = '2010-04-01';
/** The caller and the hotline number when a call names neither. */
export const DEFAULT_FROM = '+8613900000000';
export const DEFAULT_TO = '+8640000000000';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
/** The User-Agent of Twilio's webhook client. */
export const TWILIO_USER_AGENT = 'TwilioProxy/1.1';

/** `CA` + 32 hex digits, as Twilio names a call. */
export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

/** One call as its webhooks name it. */
export interface CallIdentity {
  callSid: string;
  from: string;
  to: string;
  /** More fields on every webhook of this call, e.g. `StirVerstat`. */
  extra?: Record<string, string>;
}

/** The fields Twilio posts with every webhook of an inbound call, then `fields` for this webhook. */
export function callFields(call: CallIdentity, fields: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID,
    ApiVersion: API_VERSION,
    CallSid: call.callSid,
    From: call.from,
    To: call.to,
    Caller: call.from,
    Called: call.to,
    Direction: 'inbound',
    FromCountry: 'CN',
    ...call.extra,
    ...fields,
  };
}

/** X-Twilio-Signature: HMAC-SHA1 with the auth token over the exact URL and every posted field. */
export function signTwilioRequest(authToken: string, url: string, form: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, form);
}

/** One webhook as Twilio sends it: where to, the form, and the signature (absent: an unsigned post). */
export interface TwilioRequest {
  url: string;
  form: Record<string, string>;
  signature?: string;
}

export function signedRequest(authToken: string, url: string, form: Record<string, string>): Required<TwilioRequest> {
  return { url, form, signature: signTwilioRequest(authToken, url, form) };
}

/** The body of a webhook post. */
export function encodeForm(form: Record<string, string>): string {
  return new URLSearchParams(form).toString();
}

/** The headers of a webhook post; no X-Twilio-Signature when `signature` is undefined. */
export function webhookHeaders(signature: string | undefined, contentType = FORM_CONTENT_TYPE): Record<string, string> {
  return {
    'content-type': contentType,
    'user-agent': TWILIO_USER_AGENT,
    ...(signature === undefined ? {} : { 'x-twilio-signature': signature }),
  };
}

/** Sends one signed form post the way Twilio does and returns the answer (TwiML, usually). */
export type PostForm = (url: string, form: Record<string, string>, signature: string) => Promise<{ status: number; body: string }>;

// The fields of each kind of webhook, on top of callFields.

/** `<Gather>` action after keys: Digits, and FinishedOnKey when the caller ended with that key. */
export function digitsFields(digits: string, finishedOnKey?: string): Record<string, string> {
  return finishedOnKey === undefined ? { Digits: digits } : { Digits: digits, FinishedOnKey: finishedOnKey };
}

/**
 * What Twilio posts for keys pressed at a Gather: finishOnKey (default `#`) ends the input and is
 * not part of Digits; past numDigits keys Twilio has already posted.
 */
export function keypadFields(gather: { finishOnKey?: string; numDigits?: number }, pressed: string): Record<string, string> {
  const finishOnKey = gather.finishOnKey ?? '#';
  if (finishOnKey && pressed.length > 1 && pressed.includes(finishOnKey)) {
    return digitsFields(pressed.slice(0, pressed.indexOf(finishOnKey)), finishOnKey);
  }
  return digitsFields(gather.numDigits && pressed.length > gather.numDigits ? pressed.slice(0, gather.numDigits) : pressed);
}

/** `<Gather input="speech">` action: the transcript and Twilio's confidence (0–1). */
export function speechFields(speech: string, confidence: number): Record<string, string> {
  return { SpeechResult: speech, Confidence: String(confidence) };
}

/** The status callback when the call ends. */
export function completedStatusFields(durationSeconds: number): Record<string, string> {
  return { CallStatus: 'completed', CallDuration: String(durationSeconds) };
}

/** The QueueSid Twilio would give the queue a call waits in (a fixed one per call here). */
export function queueSidFor(callSid: string): string {
  return `QU${callSid.slice(2)}`;
}

/** `<Enqueue waitUrl>`: requested each time the wait TwiML ends, with the queue's figures. */
export function queueWaitFields(wait: { queueSid: string; position: number; queueTimeSeconds: number; size: number }): Record<string, string> {
  return {
    QueueSid: wait.queueSid,
    QueuePosition: String(wait.position),
    QueueTime: String(wait.queueTimeSeconds),
    AvgQueueTime: '0',
    CurrentQueueSize: String(wait.size),
    MaxQueueSize: '100',
  };
}

/** `<Enqueue action>`: why and after how long the caller left the queue. */
export function queueResultFields(queueSid: string, result: string, queueTimeSeconds: number): Record<string, string> {
  return { QueueResult: result, QueueSid: queueSid, QueueTime: String(queueTimeSeconds) };
}

/** `<Dial action>`: how the dialled leg ended. */
export function dialEndedFields(status: string, durationSeconds: number, dialCallSid = newCallSid()): Record<string, string> {
  return { DialCallStatus: status, DialCallSid: dialCallSid, DialCallDuration: String(durationSeconds) };
}

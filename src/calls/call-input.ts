import type { FastifyBaseLogger } from 'fastify';

/** Who is calling, as every Twilio webhook tells us. */
export interface CallIdentity {
  callSid: string;
  from: string;
  to: string;
  stirVerstat?: string;
}

/** What the caller did at a prompt, before speech is matched to a key. */
export type CallerInput =
  | { kind: 'digits'; digits: string }
  | { kind: 'speech'; text: string; confidence: number }
  | { kind: 'silence' };

/** A logger bound to one call (its lines carry the CallSid): the request's own, in webhooks. */
export type CallLog = FastifyBaseLogger;

import { z } from 'zod';
import { languageSchema } from '../../flows/vocabulary';
import { callerNumber } from './caller-id';

/**
 * The fields of Twilio's posts that the hotline reads. Twilio adds fields over time: unknown ones
 * are ignored here (the signature check still covers them all).
 */
/** SIP URIs run long: SPEC §3 accepts them up to 256 characters. */
const address = z.string().max(256);

export const callFields = z.object({
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'CallSid must be CA followed by 32 hex digits'),
  /** Normalised once, here: the caller's E.164 number, or STRANGER (withheld, SIP, Client). */
  From: address.default('').transform(callerNumber),
  To: address.default(''),
  StirVerstat: address.optional(),
});

/** What an oversized or malformed SpeechResult becomes: speech, but nothing we can understand. */
export const UNREADABLE_SPEECH = '\u0000unreadable';

export const gatherFields = callFields.extend({
  // Anything that is not keys from a phone keypad is treated as a wrong key, not as an error.
  Digits: z.string().max(64).regex(/^[0-9*#]*$/).optional().catch('?'),
  FinishedOnKey: z.string().max(1).optional().catch(undefined),
  SpeechResult: z.string().max(500).optional().catch(UNREADABLE_SPEECH),
  Confidence: z.coerce.number().min(0).max(1).optional().catch(undefined),
});

export const statusFields = callFields.extend({
  CallStatus: z.string().max(32),
  CallDuration: z.coerce.number().optional().catch(undefined),
});

// Only the digits the server itself wrote: `rev=` or `rev=1e3` is not a revision (coerce would read `''` as 0).
export const revisionQuery = z.object({ rev: z.string().regex(/^\d{1,15}$/).transform(Number) });
export const attemptQuery = z.object({ attempt: z.coerce.number().int().min(0).max(10).catch(0) });

/** `<Enqueue action>`: why the caller left Twilio's waiting room. */
export const queueLeftFields = callFields.extend({
  QueueResult: z.string().max(32).default(''),
  QueueTime: z.coerce.number().optional().catch(undefined),
});

/** `<Dial action>`: how the agent's leg ended, and whether the caller's own call is still up. */
export const dialEndedFields = callFields.extend({
  DialCallStatus: z.string().max(32).default(''),
  CallStatus: z.string().max(32).default('in-progress'),
});

const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/);

/** The queued call, agent and claim that the server wrote into the agent-leg URLs. */
export const agentLegQuery = z.object({
  call: callSid,
  agent: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
  token: z.string().regex(/^[0-9a-f-]{36}$/),
  waited: z.coerce.number().int().min(0).catch(0),
  /** Only on the Dial action; absent in a URL written before it was added. */
  lang: languageSchema.optional().catch(undefined),
});

export const surveyQuery = z.object({
  call: callSid,
  attempt: z.coerce.number().int().min(1).max(10).catch(1),
  lang: languageSchema.catch('zh-CN'),
});

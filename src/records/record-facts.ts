import { z } from 'zod';
import { identityLevelSchema, languageSchema, tierSchema } from '../../flows/vocabulary';

/**
 * What the webhook path tells the call record (SPEC §5 "Supervisors and call records"), one fact
 * at a time, through the record stream. A record is completed in several steps — the caller hangs
 * up, the agent wraps up later, the survey answer comes — so each fact carries only what its
 * source knows, with that source's revision: the database merges facts by callSid, keeping the
 * newest revision of each part, in whatever order and however often they arrive.
 */

/** What the caller's session knew when the call ended (status callback). */
export const callFactSchema = z.object({
  kind: z.literal('call'),
  callSid: z.string().min(1).max(64),
  /** The session's revision: a later fact of the same call wins. */
  rev: z.number().int().nonnegative(),
  /** Masked number, or `withheld`. */
  caller: z.string(),
  /** The full number, only when dialable: to find the caller's earlier calls, never shown. */
  callerNumber: z.string().nullable(),
  walletId: z.string().nullable(),
  startedAt: z.number(),
  endedAt: z.number(),
  language: languageSchema,
  /** Menu ids walked, in order. */
  journey: z.array(z.string()),
  identityLevel: identityLevelSchema,
  intent: z.string().nullable(),
  selfService: z.array(z.object({ kind: z.string(), at: z.string(), ref: z.string().optional(), detail: z.string().optional() })),
  /**
   * How the IVR part ended: never asked for an agent (`contained`), sent to the overflow line,
   * asked for one and reached none without a hand-off record (`abandoned`: after hours without a
   * callback request, or no agent could be offered), or handed to the queue (`handoff`: the
   * hand-off's own fact decides).
   */
  ivrOutcome: z.enum(['contained', 'overflow', 'abandoned', 'handoff']),
});
export type CallFact = z.infer<typeof callFactSchema>;

/** What the hand-off record knew after one of its steps. */
export const handoffFactSchema = z.object({
  kind: z.literal('handoff'),
  callSid: z.string().min(1).max(64),
  /** The hand-off record's revision after the step. */
  rev: z.number().int().positive(),
  caller: z.string(),
  callerNumber: z.string().nullable(),
  walletId: z.string().nullable(),
  language: languageSchema,
  identityLevel: identityLevelSchema,
  intent: z.string(),
  queue: tierSchema,
  /** Since when the caller waited in `queue`. */
  queuedAt: z.number(),
  waitedSeconds: z.number().int().nonnegative().nullable(),
  agentId: z.string().nullable(),
  talkSeconds: z.number().int().nonnegative().nullable(),
  escalated: z.boolean(),
  callbackAsked: z.boolean(),
  /** Null while the hand-off goes on (waiting, talking, a callback due). */
  outcome: z.enum(['agent', 'abandoned', 'callback', 'callback-failed']).nullable(),
  endedAt: z.number().nullable(),
  wrapUp: z.object({ note: z.string(), resolved: z.boolean(), at: z.number() }).nullable(),
  survey: z.number().int().min(1).max(5).nullable(),
});
export type HandoffFact = z.infer<typeof handoffFactSchema>;

export const recordFactSchema = z.discriminatedUnion('kind', [callFactSchema, handoffFactSchema]);
export type RecordFact = z.infer<typeof recordFactSchema>;

export const OUTCOMES = ['contained', 'agent', 'abandoned', 'overflow', 'callback', 'callback-failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export function encodeFact(fact: RecordFact): string {
  return JSON.stringify(fact);
}

/** Null for an entry this code cannot read (logged and dropped by the worker). */
export function decodeFact(json: string): RecordFact | null {
  try {
    const parsed = recordFactSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

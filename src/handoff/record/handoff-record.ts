import { z } from 'zod';
import {
  identityLevelSchema,
  intentSchema,
  journeySchema,
  languageSchema,
  queuePrioritySchema,
  selfServiceSchema,
  subjectSchema,
  tierSchema,
} from '../../../flows/vocabulary';

/**
 * The hand-off record (SPEC §4.1): one per call handed to agents, with an explicit state.
 *
 *   waiting ──claim──▶ offered ──answered──▶ connected ──hang-up──▶ ended ──wrap-up──▶ closed
 *      ▲                 │ ring timeout / transient failure      │ escalate
 *      └──── front ──────┘                                       └──▶ waiting (tier2, front)
 *   waiting ──1──▶ callback-waiting ──claim──▶ callback-dialling ──answered──▶ connected
 *   waiting ──hang-up / ghost / terminal bridge error──▶ closed
 */
export const handoffStateSchema = z.enum(['waiting', 'offered', 'connected', 'ended', 'closed', 'callback-waiting', 'callback-dialling']);
export type HandoffState = z.infer<typeof handoffStateSchema>;

/** How a record came to be closed, or how its conversation ended. */
export const endReasonSchema = z.enum([
  /** An agent talked to the caller and wrapped up. */
  'served',
  /** The caller hung up before an agent answered. */
  'abandoned',
  /** The caller's hang-up was never reported: no heartbeat for QUEUE_HEARTBEAT_SECONDS. */
  'lost-hangup',
  /** Twilio refused the bridge for good (call not in progress, number invalid or unpermitted). */
  'bridge-refused',
  /** Every callback attempt failed, or the number cannot be called. */
  'callback-failed',
  /** The callback request outlived the next business day. */
  'callback-expired',
  /** The caller hung up while talking to the agent. */
  'caller-hung-up',
  /** The agent hung up first; the caller may still be on the line (survey). */
  'agent-hung-up',
]);
export type EndReason = z.infer<typeof endReasonSchema>;

/** `summary`: what the agent texted the caller (caller-summary.ts), when they wrote one. */
export const wrapUpSchema = z.object({ agentId: z.string(), note: z.string(), resolved: z.boolean(), summary: z.string().optional(), at: z.number() });
export type WrapUp = z.infer<typeof wrapUpSchema>;

/** What the IVR learned about the caller, handed to the agent; fixed once queued. */
export const handoffEntrySchema = z.object({
  callSid: z.string().min(1).max(64),
  /** The caller's number as Twilio gave it (may be a withheld placeholder or a SIP URI). */
  from: z.string().max(256),
  /** Whether `from` is a number we may call back or text (SPEC §3 "Withheld numbers"). */
  dialable: z.boolean(),
  language: languageSchema,
  identityLevel: identityLevelSchema,
  walletId: z.string().min(1).optional(),
  intent: intentSchema,
  subject: subjectSchema.optional(),
  priority: queuePrioritySchema,
  queue: tierSchema,
  enqueuedAt: z.number().int().nonnegative(),
  /** The menus the caller walked and what the IVR did for them, as the call's session kept them. */
  journey: journeySchema.optional(),
  selfService: selfServiceSchema.optional(),
});
export type HandoffEntry = z.infer<typeof handoffEntrySchema>;

export const handoffRecordSchema = handoffEntrySchema.extend({
  state: handoffStateSchema,
  /** The caller's own place (priority, then time queued); the score they return to after BRIDGE_RETRIES. */
  score: z.number(),
  /** Since when the caller waits in their current queue (reset by an escalation). */
  waitingSince: z.number(),
  note: z.string().optional(),
  /** The agent holding the call while offered, dialling or connected; kept once it ended, for the wrap-up. */
  agentId: z.string().optional(),
  /** Every agent who held the call (they may read its record). */
  agents: z.array(z.string()),
  /** The claim this step belongs to: an agent's step must carry it (a stale claim changes nothing). */
  token: z.string().optional(),
  leaseUntil: z.number().optional(),
  /** Transient bridge failures so far; the first BRIDGE_RETRIES go back to the very front. */
  bridgeFailures: z.number().int().nonnegative(),
  /** Callback dials so far, the first included (CALLBACK_ATTEMPTS). */
  callbackDials: z.number().int().nonnegative(),
  callbackAsked: z.boolean(),
  /** A callback retry is due then (callback-waiting, out of the queue until then). */
  retryAt: z.number().optional(),
  /** A callback request expires then: the end of the next business day. */
  expiresAt: z.number().optional(),
  /** The last time the waiting caller's wait URL was requested (the heartbeat). */
  seenAt: z.number(),
  connectedAt: z.number().optional(),
  endedAt: z.number().optional(),
  closedAt: z.number().optional(),
  endReason: endReasonSchema.optional(),
  /** After the conversation: whether the caller is still on the line (the agent hung up first). */
  callerOnLine: z.boolean(),
  surveyStarted: z.boolean(),
  wrapUp: wrapUpSchema.optional(),
  survey: z.number().int().min(1).max(5).optional(),
});
export type HandoffRecord = z.infer<typeof handoffRecordSchema>;

/** A record as read, with the revision every change is compared against. */
export interface StoredRecord {
  record: HandoffRecord;
  rev: number;
}

/** States in which an agent holds the call (one at a time). */
export const HELD_STATES: ReadonlySet<HandoffState> = new Set(['offered', 'callback-dialling', 'connected']);

/**
 * The claim script (lua/claim-5+n.lua) rewrites a record through cjson, which cannot tell an empty
 * array from an empty object: the optional lists are left out when empty (they read back the same).
 */
export function encodeRecord(record: HandoffRecord): string {
  const { journey, selfService, ...rest } = record;
  return JSON.stringify({ ...rest, ...(journey?.length ? { journey } : {}), ...(selfService?.length ? { selfService } : {}) });
}

export function decodeRecord(json: string): HandoffRecord {
  return handoffRecordSchema.parse(JSON.parse(json));
}

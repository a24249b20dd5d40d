import { z } from 'zod';
import { menuIdSchema } from '../../flows/menu-ids';
import { callFactsSchema, handoffSchema, journeySchema, languageSchema, selfServiceSchema, tierSchema } from '../../flows/vocabulary';

/** Bumped when the envelope itself changes shape; the flow has its own FLOW_VERSION. */
export const SESSION_FORMAT = 2;

/**
 * Where a caller handed to a human went, so a late or repeated webhook is answered from the
 * session alone: the waiting room of a queue, or the overflow line.
 */
const placementSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('enqueue'), queue: tierSchema }),
  z.object({ kind: z.literal('dial'), number: z.string().min(1) }),
]);
export type Placement = z.infer<typeof placementSchema>;

/**
 * Everything kept about one call between webhooks; never a PIN or one-time code. The caller's
 * facts live here once: the menu snapshot is stored without them and gets them back on restore.
 */
const sessionSchema = z.object({
  format: z.literal(SESSION_FORMAT),
  flowVersion: z.number().int(),
  callSid: z.string(),
  from: z.string(),
  to: z.string(),
  language: languageSchema,
  stirVerstat: z.string().optional(),
  facts: callFactsSchema,
  menu: menuIdSchema,
  /** Menus the caller came through, for `#`. */
  stack: z.array(menuIdSchema),
  /** The current menu machine's persisted snapshot (`{ value, context }` without the facts). */
  snapshot: z.object({ value: z.unknown(), context: z.unknown() }),
  /** Walking menus, handed to the human queue, or over. */
  phase: z.enum(['menu', 'handoff', 'ended']),
  /** Set once the caller asked for (or was sent to) a human. */
  handoff: handoffSchema.optional(),
  /** Set once the hand-off placed the caller (phase `handoff`). */
  placement: placementSchema.optional(),
  /** The menus the caller walked and what the IVR did for them (call-trail.ts), for the agent and the call's record. */
  journey: journeySchema.default([]),
  selfService: selfServiceSchema.default([]),
  startedAt: z.number(),
});

export type CallSession = z.infer<typeof sessionSchema>;

export function encodeSession(session: CallSession): string {
  return JSON.stringify(session);
}

/** Null when the stored data is not a session this code understands (old format, corruption). */
export function decodeSession(data: string): CallSession | null {
  try {
    const parsed = sessionSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

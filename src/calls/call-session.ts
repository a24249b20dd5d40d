import { z } from 'zod';
import type { CallFacts, Handoff, MenuId } from '../../flows/menu-contract';
import type { Language } from '../config';

/** Bumped when the envelope itself changes shape; the flow has its own FLOW_VERSION. */
export const SESSION_FORMAT = 1;

/** Where a call is: walking menus, handed to the human queue, or over. */
export type CallPhase = 'menu' | 'handoff' | 'ended';

/** Everything kept about one call between webhooks; never a PIN or one-time code. */
export interface CallSession {
  format: typeof SESSION_FORMAT;
  flowVersion: number;
  callSid: string;
  from: string;
  to: string;
  language: Language;
  stirVerstat?: string;
  facts: CallFacts;
  menu: MenuId;
  /** Menus the caller came through, for `#`. */
  stack: MenuId[];
  /** The current menu machine's persisted snapshot (`{ value, context }`). */
  snapshot: { value: unknown; context: unknown };
  phase: CallPhase;
  /** Set once the caller asked for (or was sent to) a human. */
  handoff?: Handoff;
  startedAt: number;
}

const menuId = z.enum(['main', 'account', 'transaction', 'techSupport', 'features', 'fraud', 'afterHours']);

const sessionSchema = z.object({
  format: z.literal(SESSION_FORMAT),
  flowVersion: z.number().int(),
  callSid: z.string(),
  from: z.string(),
  to: z.string(),
  language: z.enum(['zh-CN', 'en-US']),
  stirVerstat: z.string().optional(),
  facts: z.object({
    identityLevel: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    walletId: z.string().optional(),
    intent: z.string().optional(),
    subject: z.object({ kind: z.enum(['transaction', 'case']), id: z.string() }).optional(),
  }),
  menu: menuId,
  stack: z.array(menuId),
  snapshot: z.object({ value: z.unknown(), context: z.unknown() }),
  phase: z.enum(['menu', 'handoff', 'ended']),
  handoff: z
    .object({
      tier: z.enum(['tier1', 'tier2']),
      intent: z.string(),
      priority: z.enum(['urgent', 'normal']),
      reason: z.enum(['asked', 'strikes', 'flow']),
    })
    .optional(),
  startedAt: z.number(),
});

export function encodeSession(session: CallSession): string {
  return JSON.stringify(session);
}

/** Null when the stored data is not a session this code understands (old format, corruption). */
export function decodeSession(data: string): CallSession | null {
  try {
    const parsed = sessionSchema.safeParse(JSON.parse(data));
    return parsed.success ? (parsed.data as CallSession) : null;
  } catch {
    return null;
  }
}

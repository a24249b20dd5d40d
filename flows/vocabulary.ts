import { z } from 'zod';

/**
 * The hotline's vocabulary, each word declared once as a zod schema: the types come from the
 * schemas, and the session envelope, the queue entry, the agent API and the configuration all
 * build their own schemas from these. Menu ids are declared with the menu table (menu-ids.ts).
 */
export const languageSchema = z.enum(['zh-CN', 'en-US']);
export type Language = z.infer<typeof languageSchema>;
export const LANGUAGES = languageSchema.options;

/** `tier1` general agents, `tier2` senior and security agents. */
export const tierSchema = z.enum(['tier1', 'tier2']);
export type Tier = z.infer<typeof tierSchema>;
export const TIERS = tierSchema.options;

/** SPEC §3: L0 nothing known, L1 PIN verified, L2 PIN and SMS code. */
export const identityLevelSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);
export type IdentityLevel = z.infer<typeof identityLevelSchema>;

/** What a menu asks for: fraud and security are `urgent`; the queue ranks repeat callers itself. */
export const handoffPrioritySchema = z.enum(['urgent', 'normal']);
/** The order of a queue (SPEC §4): fraud/security, repeat callers within 24 h, everyone else. */
export const queuePrioritySchema = z.enum(['urgent', 'repeat', 'normal']);
export type QueuePriority = z.infer<typeof queuePrioritySchema>;

/** Why a caller was handed to a human: they asked (0), struck out (3 failures), or the flow decided. */
export const handoffReasonSchema = z.enum(['asked', 'strikes', 'flow']);

/** The menu path of the caller's problem: a menu id, then the leaf, e.g. `transaction.failed`. */
export const intentSchema = z.string().regex(/^[a-z][a-zA-Z]*(\.[a-zA-Z0-9]+)*$/, 'a menu path such as transaction.failed');

/** The transaction or case the caller's problem is about. */
export const subjectSchema = z.object({ kind: z.enum(['transaction', 'case']), id: z.string().min(1) });
export type Subject = z.infer<typeof subjectSchema>;

/** What the call has learned so far; carried from menu to menu and, later, to the agent. */
export const callFactsSchema = z.object({
  identityLevel: identityLevelSchema,
  walletId: z.string().min(1).optional(),
  intent: intentSchema.optional(),
  subject: subjectSchema.optional(),
});
export type CallFacts = z.infer<typeof callFactsSchema>;

export const handoffSchema = z.object({
  tier: tierSchema,
  intent: intentSchema,
  priority: handoffPrioritySchema,
  reason: handoffReasonSchema,
});
export type Handoff = z.infer<typeof handoffSchema>;

/** Values a prompt reads out (balances, transactions, case numbers). */
export const promptVarsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type PromptVars = z.infer<typeof promptVarsSchema>;

/**
 * What the IVR did for the caller by itself, one kind per thing an agent should not ask again
 * (SPEC §5 `selfService`). Each has an agent-facing label in the prompt catalogues.
 */
export const SELF_SERVICE_KINDS = [
  'identityLocked',
  'resetLinkSent',
  'lockWrongPassword',
  'lockSuspicious',
  'lockFrozen',
  'lockActive',
  'unlocked',
  'unlockRefused',
  'recentTransactionsRead',
  'failedTransactionRead',
  'failedTransactionNone',
  'refundStatusRead',
  'caseOpened',
  'walletFrozen',
  'pointsRead',
  'smsSent',
] as const;
export const selfServiceKindSchema = z.enum(SELF_SERVICE_KINDS);
export type SelfServiceKind = z.infer<typeof selfServiceKindSchema>;

/** The most steps kept of a caller's walk through the menus; older steps give way to newer ones. */
export const JOURNEY_MAX = 24;
/** The most self-service entries kept for one call. */
export const SELF_SERVICE_MAX = 16;

/**
 * The menus the caller walked, in order: menu paths (a menu id, or a leaf within it such as
 * `transaction.failed`), each step once in a row. Never what the caller typed.
 */
export const journeySchema = z.array(intentSchema).max(JOURNEY_MAX);
export type Journey = z.infer<typeof journeySchema>;

/**
 * One thing the IVR did: `kind` (a SelfServiceKind; stored as a plain word so a record written by
 * a newer version still reads), when (`at`, ISO 8601), the transaction or case it concerned
 * (`ref`), and a detail (a failure reason, a count, the SMS sent). Never a PIN, code or number.
 */
export const selfServiceEntrySchema = z.object({
  kind: z.string().regex(/^[a-z][a-zA-Z]*$/).max(40),
  at: z.iso.datetime(),
  ref: z.string().min(1).max(64).optional(),
  detail: z.string().min(1).max(64).optional(),
});
export type SelfServiceEntry = z.infer<typeof selfServiceEntrySchema>;
export const selfServiceSchema = z.array(selfServiceEntrySchema).max(SELF_SERVICE_MAX);

import { z } from 'zod';
import { identityLevelSchema, languageSchema, queuePrioritySchema, subjectSchema, tierSchema } from '../../flows/vocabulary';

/**
 * The agent API's wire contract (SPEC §5). These zod schemas validate requests, serialize
 * responses (so nothing outside them — a PIN, a full phone number — can leak to an agent) and
 * are the source of the OpenAPI document at /docs.
 */

/** Twilio call sids: `CA` + 32 hex digits. Anything else cannot be a call of ours. */
export const callSidSchema = z
  .string()
  .regex(/^CA[0-9a-fA-F]{32}$/, 'callSid must be CA followed by 32 hex digits')
  .describe('Twilio CallSid');

export const NOTE_MAX_LENGTH = 2000;

const noteSchema = z
  .string({ error: 'note is required and must be a string' })
  .trim()
  .min(1, 'note must not be empty')
  .max(NOTE_MAX_LENGTH, `note must be at most ${NOTE_MAX_LENGTH} characters`);

export const callParamsSchema = z.object({ callSid: callSidSchema });

export const availabilityBodySchema = z.strictObject({
  available: z.boolean({ error: 'available must be true or false' }),
});

export const escalationBodySchema = z.strictObject({
  note: noteSchema.describe('Why the caller needs tier 2; shown to the tier 2 agent'),
});

/** An SMS carries about 70 Chinese characters a part: the summary and its frame fit in a few parts. */
export const SUMMARY_MAX_LENGTH = 280;

export const wrapUpBodySchema = z.strictObject({
  note: noteSchema.describe('What was done for the caller'),
  resolved: z.boolean({ error: 'resolved must be true or false' }),
  summary: z
    .string({ error: 'summary must be a string' })
    .trim()
    .max(SUMMARY_MAX_LENGTH, `summary must be at most ${SUMMARY_MAX_LENGTH} characters`)
    .optional()
    .describe(
      'For the caller: texted to them by SMS (with the case number, if the IVR opened one) to the number they called from — never to a withheld, SIP or client caller. Empty or absent: no SMS',
    ),
});

export const wrapUpSummarySchema = z.object({
  summarySms: z
    .enum(['sent', 'notDialable', 'refused', 'alreadySent', 'failed'])
    .describe(
      'sent; notDialable: the caller has no number we may text; refused: the SMS limits refused it (e.g. the call had its SMS already); alreadySent: the summary of this call was texted before — this very wrap-up (same agent, note, resolved and summary) sent again after its answer was lost, stored by the first; failed: Twilio refused it. The wrap-up is stored in every case',
    ),
});

const tier = tierSchema;
const language = languageSchema;
const identityLevel = identityLevelSchema.describe('0 unknown, 1 PIN, 2 PIN + SMS code');
const priority = queuePrioritySchema;
const maskedNumber = z.string().describe('Caller number, masked: country code and last four digits');

/**
 * What the IVR already learned and did (SPEC §5), in the agent's language (`language` in the
 * agents file): never a PIN, a code or a full number.
 */
const callerContextFields = {
  intentLabel: z.string().describe('The intent in the agent\'s words, e.g. 交易失败 / Failed transaction'),
  journey: z.array(z.string()).describe('The menus the caller walked, in order, as labels'),
  selfService: z
    .array(
      z.object({
        kind: z.string().describe('e.g. walletFrozen, failedTransactionRead, caseOpened, resetLinkSent, smsSent'),
        at: z.string().describe('ISO 8601'),
        ref: z.string().optional().describe('The transaction id or case number it concerned'),
        detail: z.string().optional().describe('A failure reason, a count, the SMS sent'),
        text: z.string().describe('The entry as a line to read, e.g. "Wallet frozen at 20:31"'),
      }),
    )
    .describe('What the IVR did for the caller, oldest first'),
};

export const waitingCallerSchema = z.object({
  callSid: z.string(),
  position: z.number().int().min(1),
  secondsWaited: z.number().int().min(0),
  caller: maskedNumber,
  language,
  identityLevel,
  intent: z.string(),
  priority,
  callbackRequested: z.boolean(),
});

export const queuesResponseSchema = z.object({
  queues: z.array(
    z.object({
      queue: tier,
      total: z.number().int().min(0).describe('Callers waiting in this queue'),
      callers: z.array(waitingCallerSchema).describe('The first callers in order (at most 100)'),
    }),
  ),
});

export const availabilityResponseSchema = z.object({ agentId: z.string(), available: z.boolean() });

/** SPEC §5 `history`: this caller's last 5 earlier calls in 30 days; absent when the records could not tell in time. */
export const historySchema = z
  .array(
    z.object({
      callSid: z.string(),
      date: z.string().describe('ISO 8601, when the call started'),
      intent: z.string().nullable(),
      intentLabel: z.string().nullable().describe("The intent in the agent's words"),
      outcome: z.string().nullable().describe('contained, agent, abandoned, overflow, callback, callback-failed; null while still going on'),
      note: z.string().nullable().describe("The agent's wrap-up note"),
    }),
  )
  .describe('Earlier calls of this caller (by wallet if verified, else by number; none for a withheld number), newest first');

/** What the agent sees about the caller they took. Never a PIN or one-time code: those are never stored. */
export const claimResponseSchema = z.object({
  callSid: z.string(),
  queue: tier,
  caller: maskedNumber,
  language,
  identityLevel,
  walletId: z.string().optional(),
  intent: z.string(),
  subject: subjectSchema.optional(),
  priority,
  callbackRequested: z.boolean(),
  note: z.string().optional().describe('Escalation note from the tier 1 agent'),
  secondsWaited: z.number().int().min(0),
  earlierCallsToday: z.number().int().min(0).describe('Earlier calls from this number today (local day of BUSINESS_TIMEZONE), whether or not they reached an agent'),
  ...callerContextFields,
  history: historySchema.optional(),
});

/** A hand-off record as an agent may read it (SPEC §5 `GET /agent/calls/{callSid}`): never a PIN or code. */
export const handoffCallSchema = z.object({
  callSid: z.string(),
  state: z.enum(['waiting', 'offered', 'connected', 'ended', 'closed', 'callback-waiting', 'callback-dialling']),
  queue: tierSchema,
  agentId: z.string().nullable().describe('The agent holding the call, or who held it last'),
  caller: maskedNumber,
  language: languageSchema,
  identityLevel,
  intent: z.string(),
  callbackRequested: z.boolean(),
  note: z.string().nullable(),
  queuedAt: z.string().describe('ISO 8601'),
  connectedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  wrapUp: z
    .object({ note: z.string(), resolved: z.boolean(), summary: z.string().optional().describe('What was texted to the caller'), at: z.string() })
    .nullable(),
  survey: z.number().int().min(1).max(5).nullable(),
  ...callerContextFields,
  history: historySchema.optional(),
});

export const escalationResponseSchema = z.object({ callSid: z.string(), queue: z.literal('tier2'), escalated: z.literal(true) });

export const errorSchema = z.object({ error: z.string(), message: z.string() });

import { z } from 'zod';
import { TIERS, type QueueEntry } from './human-queue';

/**
 * Both implementations validate what they are asked to enqueue, so a bad entry fails at the
 * webhook that built it instead of surfacing later on an agent's desktop.
 */
export const tierSchema = z.enum(TIERS as ['tier1', 'tier2']);

/** The part of an entry that never changes while the call is queued. */
export const queueEntryDataSchema = z.object({
  callSid: z.string().min(1).max(64),
  from: z.string().regex(/^\+[1-9]\d{1,14}$/, 'E.164 number'),
  language: z.enum(['zh-CN', 'en-US']),
  identityLevel: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  walletId: z.string().min(1).optional(),
  intent: z.string().min(1),
  subject: z.object({ kind: z.enum(['transaction', 'case']), id: z.string().min(1) }).optional(),
  priority: z.enum(['urgent', 'repeat', 'normal']),
  enqueuedAt: z.number().int().nonnegative(),
});

export type QueueEntryData = z.infer<typeof queueEntryDataSchema>;

export const queueEntrySchema = queueEntryDataSchema.extend({
  queue: tierSchema,
  callbackRequested: z.boolean(),
  note: z.string().optional(),
});

export function parseQueueEntry(entry: QueueEntry): QueueEntry {
  return queueEntrySchema.parse(entry);
}

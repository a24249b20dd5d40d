import { z } from 'zod';
import {
  identityLevelSchema,
  intentSchema,
  languageSchema,
  queuePrioritySchema,
  subjectSchema,
  tierSchema,
} from '../../flows/vocabulary';
import type { QueueEntry } from './human-queue';

export { tierSchema };

/*
 * Both implementations validate what they are asked to enqueue, so a bad entry fails at the
 * webhook that built it instead of surfacing later on an agent's desktop.
 */

/** The part of an entry that never changes while the call is queued. */
export const queueEntryDataSchema = z.object({
  callSid: z.string().min(1).max(64),
  from: z.string().regex(/^\+[1-9]\d{1,14}$/, 'E.164 number'),
  language: languageSchema,
  identityLevel: identityLevelSchema,
  walletId: z.string().min(1).optional(),
  intent: intentSchema,
  subject: subjectSchema.optional(),
  priority: queuePrioritySchema,
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

import { z } from 'zod';
import type { CallRecordRow } from '../../records/call-records-db';
import { OUTCOMES } from '../../records/record-facts';

const iso = (at: Date | null) => (at ? at.toISOString() : null);

/** A call record as supervisors read it (SPEC §5): the caller masked, never a number, PIN or code. */
export const callRecordViewSchema = z.object({
  callSid: z.string(),
  caller: z.string().describe('Masked number, or withheld'),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  language: z.string().nullable(),
  journey: z.array(z.string()).describe('Menus walked, in order'),
  identityLevel: z.number().int(),
  intent: z.string().nullable(),
  selfService: z.array(z.object({ kind: z.string(), at: z.string(), ref: z.string().optional(), detail: z.string().optional() })),
  outcome: z.enum(OUTCOMES).nullable().describe('null while the hand-off still goes on'),
  handoff: z
    .object({
      queue: z.string(),
      waitedSeconds: z.number().int().nullable(),
      agentId: z.string().nullable(),
      talkSeconds: z.number().int().nullable(),
      escalated: z.boolean(),
      callbackRequested: z.boolean(),
    })
    .nullable(),
  wrapUp: z.object({ note: z.string(), resolved: z.boolean(), at: z.string() }).nullable(),
  survey: z.number().int().min(1).max(5).nullable(),
});
export type CallRecordView = z.infer<typeof callRecordViewSchema>;

export function callRecordView(row: CallRecordRow): CallRecordView {
  return {
    callSid: row.callSid,
    caller: row.caller,
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    language: row.language,
    journey: row.journey,
    identityLevel: row.identityLevel,
    intent: row.intent,
    selfService: row.selfService,
    outcome: row.outcome as CallRecordView['outcome'],
    handoff: row.queue
      ? {
          queue: row.queue,
          waitedSeconds: row.waitedSeconds,
          agentId: row.agentId,
          talkSeconds: row.talkSeconds,
          escalated: row.escalated,
          callbackRequested: row.callbackAsked,
        }
      : null,
    wrapUp: row.wrapUpNote !== null && row.wrapUpAt ? { note: row.wrapUpNote, resolved: row.wrapUpResolved ?? false, at: row.wrapUpAt.toISOString() } : null,
    survey: row.survey,
  };
}

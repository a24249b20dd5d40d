import { z } from 'zod';
import type { CallFact } from '../records/record-facts';
import { recordCaller } from '../records/record-caller';
import type { CallSession } from './call-session';

/** Written by the IVR as the caller walks it (optional until then: older sessions have none). */
const journeySchema = z.array(z.string()).catch([]);
const selfServiceSchema = z
  .array(z.object({ kind: z.string(), at: z.string(), ref: z.string().optional(), detail: z.string().optional() }))
  .catch([]);

/** The call record's part that the session knows when the call ends (record-facts.ts). */
export function callFact(session: CallSession, revision: number, endedAt: number): CallFact {
  const extra = session as CallSession & { journey?: unknown; selfService?: unknown };
  return {
    kind: 'call',
    callSid: session.callSid,
    rev: revision,
    ...recordCaller(session.from, session.facts.walletId),
    startedAt: session.startedAt,
    endedAt,
    language: session.language,
    journey: journeySchema.parse(extra.journey ?? []),
    identityLevel: session.facts.identityLevel,
    intent: session.facts.intent ?? session.handoff?.intent ?? null,
    selfService: selfServiceSchema.parse(extra.selfService ?? []),
    ivrOutcome: ivrOutcome(session),
  };
}

function ivrOutcome(session: CallSession): CallFact['ivrOutcome'] {
  if (session.placement?.kind === 'dial') return 'overflow';
  if (session.placement?.kind === 'enqueue') return 'handoff';
  return session.handoff ? 'abandoned' : 'contained';
}

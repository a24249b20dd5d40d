import { recordCaller } from '../../records/record-caller';
import { encodeFact, type HandoffFact } from '../../records/record-facts';
import type { Plan } from './handoff-plan';
import type { HandoffRecord } from './handoff-record';

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

/** What the call record learns from a hand-off record (record-facts.ts), without the revision. */
function handoffPart(record: HandoffRecord): Omit<HandoffFact, 'rev'> {
  const talked = record.connectedAt !== undefined;
  const finished = record.state === 'ended' || record.state === 'closed';
  const leftAt = record.connectedAt ?? (record.state === 'closed' ? record.closedAt : undefined);
  return {
    kind: 'handoff',
    callSid: record.callSid,
    ...recordCaller(record.from, record.walletId),
    language: record.language,
    identityLevel: record.identityLevel,
    intent: record.intent,
    queue: record.queue,
    queuedAt: record.waitingSince,
    waitedSeconds: leftAt === undefined ? null : seconds(leftAt - record.waitingSince),
    agentId: talked ? (record.agentId ?? record.agents.at(-1) ?? null) : null,
    talkSeconds: talked && record.endedAt !== undefined ? seconds(record.endedAt - record.connectedAt!) : null,
    escalated: record.note !== undefined,
    callbackAsked: record.callbackAsked,
    outcome: finished ? outcomeOf(record) : null,
    endedAt: record.endedAt ?? record.closedAt ?? null,
    wrapUp: record.wrapUp ? { note: record.wrapUp.note, resolved: record.wrapUp.resolved, at: record.wrapUp.at } : null,
    survey: record.survey ?? null,
  };
}

function outcomeOf(record: HandoffRecord): HandoffFact['outcome'] {
  if (record.connectedAt !== undefined) return record.callbackDials > 0 ? 'callback' : 'agent';
  if (record.endReason === 'callback-failed' || record.endReason === 'callback-expired') return 'callback-failed';
  return 'abandoned';
}

/**
 * The fact a step appends to the record stream (atomically with the step), or undefined when the
 * step changes nothing a call record shows (a heartbeat, a claim still ringing).
 */
export function handoffFact(before: HandoffRecord | null, plan: Plan): string | undefined {
  const after = handoffPart(plan.record);
  if (before && JSON.stringify(handoffPart(before)) === JSON.stringify(after)) return undefined;
  return encodeFact({ ...after, rev: (plan.expectRev ?? 0) + 1 });
}

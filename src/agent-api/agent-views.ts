import { TIERS, type Language } from '../../flows/vocabulary';
import type { AgentLabels } from '../prompts/agent-labels';
import type { HandoffRecord } from '../handoff/record/handoff-record';
import type { HandoffRecords } from '../handoff/record/handoff-records';
import { maskPhone } from '../logging/logger';

/**
 * What agents see of callers and calls, shared by the API's answers and its event stream: the
 * caller masked (or "withheld"), never a PIN, a code or a full number.
 */

/** Enough for any wall display; the total tells how many more wait. */
const LISTED_PER_QUEUE = 100;

function secondsSince(since: number, now: number): number {
  return Math.max(0, Math.floor((now - since) / 1000));
}

function waitingCaller(call: HandoffRecord, position: number, now: number) {
  return {
    callSid: call.callSid,
    position,
    secondsWaited: secondsSince(call.waitingSince, now),
    caller: callerOf(call),
    language: call.language,
    identityLevel: call.identityLevel,
    intent: call.intent,
    priority: call.priority,
    callbackRequested: call.callbackAsked,
  };
}

/** The caller as an agent sees them: a masked number, or "withheld" for a caller with none we may show. */
export const callerOf = (record: HandoffRecord) => (record.dialable ? maskPhone(record.from) : 'withheld');

const iso = (at: number | undefined) => (at === undefined ? null : new Date(at).toISOString());

/** A hand-off record as an agent sees it (handoffCallSchema), its labels in the agent's language. */
export function handoffCall(record: HandoffRecord, labels: AgentLabels, language: Language) {
  return {
    callSid: record.callSid,
    state: record.state,
    queue: record.queue,
    agentId: record.agentId ?? record.agents.at(-1) ?? null,
    caller: callerOf(record),
    language: record.language,
    identityLevel: record.identityLevel,
    intent: record.intent,
    callbackRequested: record.callbackAsked,
    note: record.note ?? null,
    queuedAt: new Date(record.enqueuedAt).toISOString(),
    connectedAt: iso(record.connectedAt),
    endedAt: iso(record.endedAt),
    endReason: record.endReason ?? null,
    wrapUp: record.wrapUp ? wrapUpView(record.wrapUp) : null,
    survey: record.survey ?? null,
    ...labels.context(language, record),
  };
}

function wrapUpView(wrapUp: NonNullable<HandoffRecord['wrapUp']>) {
  const { note, resolved, summary, at } = wrapUp;
  return { note, resolved, ...(summary ? { summary } : {}), at: new Date(at).toISOString() };
}

/** Every queue with its first callers, as `GET /agent/queues` and the `queues` event give them. */
export async function queuesBody(records: HandoffRecords, now: number) {
  return Promise.all(
    TIERS.map(async (tier) => {
      const [callers, total] = await Promise.all([records.list(tier, LISTED_PER_QUEUE), records.depth(tier)]);
      return { queue: tier, total, callers: callers.map((call, index) => waitingCaller(call, index + 1, now)) };
    }),
  );
}

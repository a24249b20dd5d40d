import type { IndexName, Plan } from '../handoff-plan';
import type { HandoffRecord, HandoffState, StoredRecord } from '../handoff-record';

/** Why a step was refused: the record is not in a state the step starts from, or not this agent's. */
export type Refusal = { refused: 'not-found' } | { refused: 'wrong-state'; state: HandoffState } | { refused: 'not-yours' };

export type Step = Plan | Refusal;

export function isRefusal(step: Step): step is Refusal {
  return 'refused' in step;
}

export const wrongState = (record: HandoffRecord): Refusal => ({ refused: 'wrong-state', state: record.state });

/** Every index a record can be in, so a transition can clear them all. */
export const ALL_INDEXES: IndexName[] = ['tier1', 'tier2', 'leases', 'heartbeats', 'retries', 'expiries'];

/** A caller put back at the very front: newer front placements go first (the one who must not wait again). */
export function frontScore(now: number): number {
  return -now;
}

/** The plan of a change to an existing record; `add`/`remove` name the indexes that change. */
export function change(
  stored: StoredRecord,
  stepId: string,
  record: HandoffRecord,
  indexes: { add?: Array<{ index: IndexName; score: number }>; remove?: IndexName[] } = {},
  agent?: Plan['agent'],
): Plan {
  return {
    callSid: record.callSid,
    stepId,
    expectRev: stored.rev,
    record,
    add: indexes.add ?? [],
    remove: indexes.remove ?? [],
    ...(agent ? { agent } : {}),
  };
}

/** Drops optional fields the next state no longer has. */
export function without<K extends keyof HandoffRecord>(record: HandoffRecord, ...keys: K[]): HandoffRecord {
  const copy = { ...record };
  for (const key of keys) delete copy[key];
  return copy;
}

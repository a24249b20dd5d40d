import type { Tier } from '../../../flows/vocabulary';
import type { ApplyOutcome, IndexName, Plan } from './handoff-plan';
import type { HandoffRecord, HandoffState, StoredRecord } from './handoff-record';

/** The waiting room's figures: waits of answered live callers, live callers' hang-ups while waiting, talk times. */
export type FigureKind = 'waits' | 'hangUps' | 'handles';
export const FIGURES_KEPT = 200;

/** A record changed state (published on every applied step, to every instance). */
export interface RecordChange {
  callSid: string;
  state: HandoffState;
  queue: Tier;
  agentId?: string;
}

/**
 * Where hand-off records live: Redis (shared by every instance) or the embedded store. It reads
 * and applies plans; it decides nothing (transitions/ do). Both pass one contract suite.
 */
export interface HandoffStore {
  read(callSid: string): Promise<StoredRecord | null>;
  /** The first `count` CallSids of each queue, in the order asked. */
  heads(queues: readonly Tier[], count: number): Promise<string[][]>;
  /** The call an agent holds (offered, dialling or connected), or null. */
  heldBy(agentId: string): Promise<string | null>;
  /** The agents among `agentIds` who hold a call, in one read (the wait estimate counts busy agents). */
  holding(agentIds: readonly string[]): Promise<string[]>;
  apply(plan: Plan): Promise<ApplyOutcome>;
  /** Members of a timer index due at or before `upTo`, oldest first. */
  due(index: Exclude<IndexName, Tier>, upTo: number, limit: number): Promise<string[]>;
  /** Drops an index member whose record is gone (expired). */
  forget(index: IndexName, callSid: string): Promise<void>;
  /** The callers of a queue in order, the first `limit` when given. */
  list(queue: Tier, limit?: number): Promise<HandoffRecord[]>;
  /** 1-based position and queue size, or null when the call is not in that queue. */
  rank(queue: Tier, callSid: string): Promise<{ position: number; size: number } | null>;
  depth(queue: Tier): Promise<number>;
  /** The indexes (queues and timers) the call is a member of, with its score in each. */
  memberships(callSid: string): Promise<Partial<Record<IndexName, number>>>;
  /** Every applied change, on every instance; returns the unsubscribe. */
  onChange(listener: (change: RecordChange) => void): Promise<() => void>;
  /** Keeps a figure of a queue for the waiting room's estimate (newest first, the last FIGURES_KEPT). */
  pushFigure(kind: FigureKind, queue: Tier, value: string): Promise<void>;
  figures(kind: FigureKind, queue: Tier): Promise<string[]>;
}

/** The Lua reply (or the embedded twin's) as an outcome; decoded here and nowhere else. */
export function decodeApply(reply: unknown): ApplyOutcome {
  if (typeof reply !== 'number') throw new Error(`hand-off apply returned ${JSON.stringify(reply)}`);
  if (reply > 0) return 'applied';
  const outcomes: Record<number, ApplyOutcome> = { 0: 'duplicate', [-1]: 'stale', [-2]: 'agent-busy', [-3]: 'not-head' };
  const outcome = outcomes[reply];
  if (!outcome) throw new Error(`hand-off apply returned an unknown code ${reply}`);
  return outcome;
}

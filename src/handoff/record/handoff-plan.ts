import type { Tier } from '../../../flows/vocabulary';
import type { HandoffRecord } from './handoff-record';

/** The sorted sets of the hand-off, by role; keys are built in handoff-keys.ts. */
export type IndexName = Tier | 'leases' | 'heartbeats' | 'retries' | 'expiries';
export const INDEX_NAMES: readonly IndexName[] = ['tier1', 'tier2', 'leases', 'heartbeats', 'retries', 'expiries'];

/**
 * What one transition writes, as data, applied atomically by the store (one Lua script in Redis,
 * one synchronous step in memory) only if the record is still at the revision the transition read.
 * Transitions (transitions/*.ts) compute plans; stores never decide anything.
 */
export interface Plan {
  callSid: string;
  /** Unique per attempted step: a step re-sent after a reconnect is recognised and not applied twice. */
  stepId: string;
  /** The revision read; null when the record must not exist yet (enqueue). */
  expectRev: number | null;
  /** The record after the step; its TTL is set only when it is created (never re-armed). */
  record: HandoffRecord;
  ttlMs?: number;
  /** Sorted-set changes: members are always the call's own CallSid. */
  add: Array<{ index: IndexName; score: number }>;
  remove: IndexName[];
  /** The agent's one-call-at-a-time key: `claim` requires it free and takes it; `release` frees it if it holds this call. */
  agent?: { agentId: string; op: 'claim' | 'release'; ttlMs?: number };
  /**
   * For a claim: the call must still be among the first `within` of this queue (1: the very
   * first), and the queues preferred before it empty.
   */
  head?: { queue: Tier; within: number; emptyBefore: Tier[] };
  /** A call-record fact appended to the record stream with the step (handoff-fact.ts), when it changes the record. */
  fact?: string;
}

/** How applying a plan went; the codes are decoded in one place (handoff-store.ts). */
export type ApplyOutcome = 'applied' | 'duplicate' | 'stale' | 'agent-busy' | 'not-head';

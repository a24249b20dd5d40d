import type { Tier } from '../../../flows/vocabulary';
import type { HandoffRecord, HandoffState, StoredRecord } from './handoff-record';

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
  /**
   * The agent's one-call-at-a-time key: `claim` requires it free and takes it (only a claim's
   * plan, applied inside the store's `claim`); `release` frees it if it holds this call.
   */
  agent?: { agentId: string; op: 'claim' | 'release'; ttlMs?: number };
  /** A call-record fact appended to the record stream with the step (handoff-fact.ts), when it changes the record. */
  fact?: string;
}

/** How applying a plan went; the codes are decoded in one place (handoff-store.ts). */
export type ApplyOutcome = 'applied' | 'duplicate' | 'stale';

/**
 * What a claim does to the record it takes, as data computed by the pure transition
 * (transitions/agent-transitions.ts `claimTerms`, from the moment of the claim): by the state the
 * record is in, the state it goes to, its lease and the callback dials it adds. A state missing
 * here is not claimable, nor is a record with the `unless` field set. Both stores apply these
 * terms inside one atomic claim (the Redis store in lua/claim-5+n.lua), because the record a claim
 * takes is only known there.
 */
export interface ClaimTerms {
  /** The agent's one-call key lives this long at most (steps release it long before). */
  agentTtlMs: number;
  from: Partial<Record<HandoffState, { state: HandoffState; leaseUntil: number; callbackDials: number; unless?: keyof HandoffRecord }>>;
}

/** Who claims: the agent and the claim's token (an agent's later steps must carry it). */
export interface Claimant {
  agentId: string;
  token: string;
}

/** One agent's claim: its step id (a re-send is recognised) and the agent's queues in preference order. */
export interface ClaimRequest extends Claimant {
  stepId: string;
  queues: readonly Tier[];
}

/**
 * Claims made together, on the terms of one moment, taken in order in one atomic operation. A
 * claim may take only a head among the candidates (Redis: every record key the script touches is
 * passed in KEYS): the first callers of each queue as the store's last answer left them.
 */
export interface ClaimBatch {
  terms: ClaimTerms;
  claims: ClaimRequest[];
  candidates: Partial<Record<Tier, string[]>>;
  /** How many of the first callers of each queue the answer holds, after the claims: the next candidates. */
  readAhead: number;
}

/** How each claim of a batch went, and the first callers of each queue it left. */
export interface ClaimAnswer {
  outcomes: ClaimOutcome[];
  heads: Record<Tier, string[]>;
}

/** How one claim went; the Lua codes are decoded in one place (handoff-store.ts). */
export type ClaimOutcome =
  /** The head of the first non-empty queue, as stored after the claim. */
  | { kind: 'claimed'; stored: StoredRecord }
  /** This very claim was applied already (a client re-send): the agent holds `callSid`. */
  | { kind: 'duplicate'; callSid: string }
  /** The agent holds another call: one caller at a time. */
  | { kind: 'busy'; callSid: string }
  /** The head of the first non-empty queue is not among the candidates (it changed since they were read). */
  | { kind: 'not-head' }
  | { kind: 'empty' }
  /** The head's record cannot be claimed as stored (a bug, never a caller's doing): it stays, and this claim fails. */
  | { kind: 'unclaimable'; callSid: string; reason: string };

import type { Tier } from '../../../flows/vocabulary';
import type { ApplyOutcome, ClaimAnswer, ClaimBatch, ClaimOutcome, IndexName, Plan } from './handoff-plan';
import { decodeRecord, type HandoffRecord, type HandoffState, type StoredRecord } from './handoff-record';

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
 * and applies plans; it decides nothing (transitions/ do) but which caller is at the head when a
 * claim runs. Both pass one contract suite.
 */
export interface HandoffStore {
  read(callSid: string): Promise<StoredRecord | null>;
  /** The call an agent holds (offered, dialling or connected), or null. */
  heldBy(agentId: string): Promise<string | null>;
  /** The agents among `agentIds` who hold a call, in one read (the wait estimate counts busy agents). */
  holding(agentIds: readonly string[]): Promise<string[]>;
  /** Applies any step's plan but a claim's (refused: a claim goes through `claim`). */
  apply(plan: Plan): Promise<ApplyOutcome>;
  /**
   * Atomically, claim after claim: unless its agent holds a call, the head of its first non-empty
   * queue, if a candidate, goes to the agent on the claim's terms (transitions/agent-transitions.ts
   * `claim`). Members whose record expired or is not claimable are dropped when met.
   */
  claim(batch: ClaimBatch): Promise<ClaimAnswer>;
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
  const outcomes: Record<number, ApplyOutcome> = { 0: 'duplicate', [-1]: 'stale' };
  const outcome = outcomes[reply];
  if (!outcome) throw new Error(`hand-off apply returned an unknown code ${reply}`);
  return outcome;
}

/** The claim script's answer (lua/claim-5+n.lua): one reply per claim, then the heads it left. */
export function decodeClaims(reply: unknown, count: number): ClaimAnswer {
  const [replies, tier1, tier2] = Array.isArray(reply) ? (reply as unknown[]) : [];
  const isList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (!Array.isArray(replies) || replies.length !== count || !isList(tier1) || !isList(tier2)) {
    throw new Error(`hand-off claim returned ${JSON.stringify(reply)}`);
  }
  return { outcomes: replies.map(decodeClaimReply), heads: { tier1, tier2 } };
}

function decodeClaimReply(one: unknown): ClaimOutcome {
  const [code, callSid, text] = Array.isArray(one) ? (one as unknown[]) : [];
  if (typeof code === 'number' && code > 0 && typeof text === 'string') return { kind: 'claimed', stored: { record: decodeRecord(text), rev: code } };
  if (code === 0 && typeof callSid === 'string') return { kind: 'duplicate', callSid };
  if (code === -2 && typeof callSid === 'string') return { kind: 'busy', callSid };
  if (code === -3) return { kind: 'not-head' };
  if (code === -1) return { kind: 'empty' };
  if (code === -4 && typeof callSid === 'string' && typeof text === 'string') return { kind: 'unclaimable', callSid, reason: text };
  throw new Error(`hand-off claim returned ${JSON.stringify(one)}`);
}

/** Both stores refuse a claim's plan in `apply`: the one-call check and the head are decided in `claim`. */
export function refuseClaimPlan(plan: Plan): void {
  if (plan.agent?.op === 'claim') throw new Error(`a claim of ${plan.callSid} must go through the store's claim, not apply`);
}

/**
 * The callers waiting for a human agent (SPEC §4). Any instance may serve any webhook, so every
 * operation that changes a caller's place is atomic in the backing store: two agents never get
 * the same caller and a Twilio retry never duplicates or moves one.
 *
 * A call's life: `waiting` (in a queue) → `claimed` (an agent took it; the bridge is being set up,
 * under a lease) → `connected` (talking to that agent). A failed bridge or an expired lease puts
 * the caller back at the front; an escalation puts a connected caller at the front of `tier2`;
 * `remove` (hang-up or wrap-up) forgets the call in any state.
 */
import type { IdentityLevel, Language, QueuePriority, Subject, Tier } from '../../flows/vocabulary';

export { TIERS } from '../../flows/vocabulary';
export type { IdentityLevel, QueuePriority, Tier };
export type CallerLanguage = Language;
export type CallState = 'waiting' | 'claimed' | 'connected';

export type QueueSubject = Subject;

/** What the IVR learned about a caller, handed to the agent who takes them. */
export interface QueueEntry {
  callSid: string;
  queue: Tier;
  /** E.164 caller number. */
  from: string;
  language: CallerLanguage;
  identityLevel: IdentityLevel;
  walletId?: string;
  /** Menu path, e.g. `transaction.failed`. */
  intent: string;
  subject?: QueueSubject;
  priority: QueuePriority;
  /** Epoch ms when the caller first joined a queue. */
  enqueuedAt: number;
  callbackRequested: boolean;
  /** Escalation note from the agent who sent the caller to tier2. */
  note?: string;
}

/** A call as the queue currently holds it. */
export interface QueuedCall extends QueueEntry {
  state: CallState;
  /** Epoch ms since the caller waits in their current queue (reset by an escalation). */
  waitingSince: number;
  /** The agent holding the call while `claimed` or `connected`. */
  agentId?: string;
  /** Lease deadline while `claimed`. */
  leaseExpiresAt?: number;
}

export interface ListedCall extends QueuedCall {
  /** 1-based. */
  position: number;
}

export interface QueuePosition {
  queue: Tier;
  /** 1-based. */
  position: number;
  size: number;
}

export interface EnqueueResult {
  /** False when the call was already known (a retried webhook): nothing changed. */
  created: boolean;
  /** 1-based; null when the call is already with an agent (claimed or connected). */
  position: number | null;
  /** Callers waiting in the call's queue. */
  size: number;
}

export interface ClaimedCall {
  call: QueuedCall;
  agentId: string;
  leaseExpiresAt: number;
  /** now − waitingSince: what the caller waited in this queue. */
  waitedMs: number;
}

export interface RemovedCall extends QueuedCall {
  /** now − waitingSince: for abandonment metrics when a waiting caller hung up. */
  waitedMs: number;
}

export interface HumanQueue {
  /** Idempotent per callSid: a call already known (in any state) keeps its place. */
  enqueue(entry: QueueEntry): Promise<EnqueueResult>;
  /**
   * Atomically takes the head of the first non-empty queue in `queues` (preference order) and
   * marks it claimed by `agentId` until `now + leaseMs`. Null when every queue is empty.
   */
  claim(queues: readonly Tier[], agentId: string, now: number, leaseMs: number): Promise<ClaimedCall | null>;
  /** The bridge to the agent is up: clears the lease. False unless claimed by this agent. */
  confirmBridge(callSid: string, agentId: string): Promise<boolean>;
  /** The bridge failed: a claimed (or connected) caller goes back to the front of its queue. */
  requeueFront(callSid: string): Promise<boolean>;
  /**
   * Requeues at the front every claimed call whose lease ended at or before `now`. Safe on every
   * instance at once: each expired lease is requeued exactly once, by one of them.
   */
  sweepExpiredLeases(now: number): Promise<string[]>;
  /** Forgets the call whatever its state (hang-up, wrap-up). */
  remove(callSid: string, now: number): Promise<RemovedCall | null>;
  /**
   * Moves a claimed or connected call to the front of tier2 (ahead of urgent callers already
   * waiting) with `note`; its wait in tier2 starts at `now`. False when the call is not with an agent.
   */
  escalate(callSid: string, note: string, now: number): Promise<boolean>;
  /** Marks a waiting caller as wanting a callback; they keep their place. False if not waiting. */
  requestCallback(callSid: string): Promise<boolean>;
  /** Null unless the call is waiting. */
  position(callSid: string): Promise<QueuePosition | null>;
  /** Waiting callers in order (the first `limit` of them when given). */
  list(queue: Tier, limit?: number): Promise<ListedCall[]>;
  /**
   * Records a real wait: call it once per caller actually connected to an agent, with the
   * `waitedMs` of the claim. Only the last 50 waits per queue are kept.
   */
  recordWait(queue: Tier, waitedMs: number, now: number): Promise<void>;
  /** Estimated wait for `position` (see estimated-wait.ts); null without any recorded wait. */
  estimatedWaitMs(queue: Tier, position: number): Promise<number | null>;
  depth(queue: Tier): Promise<number>;
  getEntry(callSid: string): Promise<QueuedCall | null>;
  /** The agent holding a claimed or connected call; null otherwise. */
  owner(callSid: string): Promise<string | null>;
}

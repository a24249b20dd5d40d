import { randomUUID } from 'node:crypto';
import type { Tier } from '../../../flows/vocabulary';
import type { Clock } from '../../clock';
import { handoffFact } from './handoff-fact';
import type { ApplyOutcome, Plan } from './handoff-plan';
import { handoffEntrySchema, type HandoffEntry, type HandoffRecord, type StoredRecord, type WrapUp } from './handoff-record';
import type { HandoffRules } from './handoff-rules';
import type { HandoffStore } from './handoff-store';
import * as agentLeg from './transitions/agent-transitions';
import { change, isRefusal, type Refusal, type Step } from './transitions/transition';
import * as waitingRoom from './transitions/waiting-transitions';

/** How a step went: done (with the record before and after), or refused with nothing changed. */
export type StepResult = { kind: 'done'; before: HandoffRecord; record: HandoffRecord } | ({ kind: 'refused' } & Refusal);

export type ClaimResult =
  | { kind: 'claimed'; record: HandoffRecord; token: string; waitedMs: number }
  | { kind: 'nobody-waiting' }
  /** The agent holds another call: one caller at a time. */
  | { kind: 'busy'; callSid: string | null };

/** A read-and-apply that lost to another step is tried again on what won; this bounds it. */
const MAX_ATTEMPTS = 50;
/** How much further down the queue each contended attempt of a claim may look, and the most. */
const CLAIM_SPREAD = 8;
const MAX_CLAIM_SPREAD = 64;
/**
 * A claim's lost round is always another claim's success (never a livelock), so this bound only
 * guards against a bug: with the spread, a crowd of claimants settles in a few rounds.
 */
const MAX_CLAIM_ATTEMPTS = 1000;

/**
 * The hand-off records as the rest of the app uses them: each method is one step of the
 * lifecycle (transitions/), read, computed and applied atomically by the store, tried again when
 * another instance changed the record first. A refused step changes nothing.
 */
export class HandoffRecords {
  /** Agents with a claim running on this instance, and how many each. */
  private readonly claimants = new Map<string, number>();

  constructor(
    private readonly store: HandoffStore,
    readonly rules: HandoffRules,
    private readonly clock: Clock,
  ) {}

  /** The call an agent holds (offered, dialling or connected), or null. */
  heldBy(agentId: string): Promise<string | null> {
    return this.store.heldBy(agentId);
  }

  holding(agentIds: readonly string[]): Promise<string[]> {
    return this.store.holding(agentIds);
  }

  async get(callSid: string): Promise<HandoffRecord | null> {
    return (await this.store.read(callSid))?.record ?? null;
  }

  /** Idempotent per CallSid: a call already known keeps its record and place. */
  async enqueue(input: HandoffEntry, callbackExpiresAt?: number): Promise<{ created: boolean; record: HandoffRecord }> {
    const entry = handoffEntrySchema.parse(input);
    const plan = waitingRoom.enqueue(entry, this.clock.now(), this.rules, randomUUID(), callbackExpiresAt);
    const outcome = await this.apply(plan, null);
    if (outcome === 'applied') return { created: true, record: plan.record };
    const existing = await this.get(entry.callSid);
    if (!existing) throw new Error(`enqueue of ${entry.callSid} neither applied nor found`);
    return { created: false, record: existing };
  }

  heartbeat(callSid: string): Promise<StepResult> {
    return this.step(callSid, (stored) => waitingRoom.heartbeat(stored, this.clock.now(), randomUUID()));
  }

  requestCallback(callSid: string, expiresAt: number): Promise<StepResult> {
    return this.step(callSid, (stored) => waitingRoom.requestCallback(stored, expiresAt, randomUUID()));
  }

  callerHungUp(callSid: string): Promise<StepResult> {
    return this.step(callSid, (stored) => waitingRoom.callerHungUp(stored, this.clock.now(), randomUUID()));
  }

  /**
   * Takes the head of the first non-empty of `queues` for the agent, unless the agent holds a call.
   * Agents claiming at the same moment contend for the head; each attempt that lost widens the
   * choice to a random one of the first few (8 more each time, at most 64), and agents claiming
   * together on one instance spread over as many callers as there are agents, so a crowd settles
   * in a round or two instead of one winner per round. A lone claim always takes the head; the
   * order bends only among callers being taken at the same moment.
   */
  async claim(agentId: string, queues: readonly Tier[]): Promise<ClaimResult> {
    this.claimants.set(agentId, (this.claimants.get(agentId) ?? 0) + 1);
    try {
      return await this.claimOnce(agentId, queues);
    } finally {
      const left = (this.claimants.get(agentId) ?? 1) - 1;
      if (left > 0) this.claimants.set(agentId, left);
      else this.claimants.delete(agentId);
    }
  }

  private async claimOnce(agentId: string, queues: readonly Tier[]): Promise<ClaimResult> {
    const token = randomUUID();
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const held = await this.store.heldBy(agentId);
      if (held !== null) return { kind: 'busy', callSid: held };
      // Agents claiming together on this instance would all pick the head: they spread at once.
      // (One agent's double click is one claimant: it still takes the head.)
      const within = Math.min(Math.max(attempt * CLAIM_SPREAD, this.claimants.size, 1), MAX_CLAIM_SPREAD);
      const heads = await this.store.heads(queues, within);
      const index = heads.findIndex((members) => members.length > 0);
      if (index < 0) return { kind: 'nobody-waiting' };
      const queue = queues[index]!;
      const members = heads[index]!;
      const callSid = members[Math.floor(Math.random() * members.length)]!;
      const stored = await this.store.read(callSid);
      if (!stored) {
        await this.store.forget(queue, callSid);
        continue;
      }
      const now = this.clock.now();
      const step = agentLeg.claim(stored, { agentId, token, queue, within, emptyBefore: queues.slice(0, index) }, now, this.rules, randomUUID());
      if (isRefusal(step)) {
        // The head was stale (another claim took it after `heads`), or the record left its queue
        // without its member (never by a step). The member is dropped only if the record is still
        // as read: a plain ZREM here could drop a caller that a failed bridge just put back.
        await this.store.apply(change(stored, randomUUID(), stored.record, { remove: [queue] }));
        continue;
      }
      const outcome = await this.apply(step, stored.record);
      if (outcome === 'applied') return { kind: 'claimed', record: step.record, token, waitedMs: Math.max(0, now - stored.record.waitingSince) };
      if (outcome === 'agent-busy') return { kind: 'busy', callSid: await this.store.heldBy(agentId) };
    }
    throw new Error(`claim for ${agentId} lost ${MAX_CLAIM_ATTEMPTS} races in a row`);
  }

  answered(callSid: string, token: string): Promise<StepResult> {
    return this.step(callSid, (stored) => agentLeg.answered(stored, token, this.clock.now(), randomUUID()));
  }

  bridgeFailed(callSid: string, token: string, terminal: boolean): Promise<StepResult> {
    return this.step(callSid, (stored) => agentLeg.bridgeFailed(stored, token, terminal, this.clock.now(), this.rules, randomUUID()));
  }

  agentHungUp(callSid: string, agentId: string): Promise<StepResult> {
    return this.step(callSid, (stored) => agentLeg.agentHungUp(stored, agentId, this.clock.now(), randomUUID()));
  }

  escalate(callSid: string, agentId: string, note: string): Promise<StepResult> {
    return this.step(callSid, (stored) => agentLeg.escalate(stored, agentId, note, this.clock.now(), randomUUID()));
  }

  wrapUp(callSid: string, wrap: Omit<WrapUp, 'at'>): Promise<StepResult> {
    return this.step(callSid, (stored) => agentLeg.wrapUp(stored, { ...wrap, at: this.clock.now() }, this.rules, randomUUID()));
  }

  surveyStarted(callSid: string): Promise<StepResult> {
    return this.step(callSid, (stored) => agentLeg.surveyStarted(stored, randomUUID()));
  }

  surveyAnswered(callSid: string, score: number): Promise<StepResult> {
    return this.step(callSid, (stored) => agentLeg.surveyAnswered(stored, score, randomUUID()));
  }

  /** A waiting caller's place in their queue, or null. */
  async position(record: Pick<HandoffRecord, 'queue' | 'callSid'>): Promise<{ position: number; size: number } | null> {
    return this.store.rank(record.queue, record.callSid);
  }

  list(queue: Tier, limit?: number): Promise<HandoffRecord[]> {
    return this.store.list(queue, limit);
  }

  depth(queue: Tier): Promise<number> {
    return this.store.depth(queue);
  }

  onChange: HandoffStore['onChange'] = (listener) => this.store.onChange(listener);

  pushFigure: HandoffStore['pushFigure'] = (kind, queue, value) => this.store.pushFigure(kind, queue, value);
  figures: HandoffStore['figures'] = (kind, queue) => this.store.figures(kind, queue);

  /** Runs one step on a timer index's due members (see handoff-sweeper.ts); members without a record are dropped. */
  async dueSteps(
    index: 'leases' | 'heartbeats' | 'retries' | 'expiries',
    upTo: number,
    limit: number,
    make: (stored: StoredRecord) => Step,
  ): Promise<StepResult[]> {
    const results: StepResult[] = [];
    for (const callSid of await this.store.due(index, upTo, limit)) {
      const result = await this.step(callSid, make);
      if (result.kind === 'refused' && result.refused === 'not-found') await this.store.forget(index, callSid);
      results.push(result);
    }
    return results;
  }

  /** The CallSids of a timer index due at or before `upTo`. */
  due(index: 'leases' | 'heartbeats' | 'retries' | 'expiries', upTo: number, limit: number): Promise<string[]> {
    return this.store.due(index, upTo, limit);
  }

  /** Runs one step computed by `make` from the record as stored (the sweeper's timers). */
  run(callSid: string, make: (stored: StoredRecord) => Step): Promise<StepResult> {
    return this.step(callSid, make);
  }

  private async step(callSid: string, make: (stored: StoredRecord) => Step): Promise<StepResult> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.store.read(callSid);
      if (!stored) return { kind: 'refused', refused: 'not-found' };
      const step = make(stored);
      if (isRefusal(step)) return { kind: 'refused', ...step };
      const outcome = await this.apply(step as Plan, stored.record);
      if (outcome === 'applied' || outcome === 'duplicate') return { kind: 'done', before: stored.record, record: step.record };
    }
    throw new Error(`hand-off step on ${callSid} lost ${MAX_ATTEMPTS} races in a row`);
  }

  /** Every step that changes what the call record shows appends its fact with it (SPEC §5). */
  private apply(plan: Plan, before: HandoffRecord | null): Promise<ApplyOutcome> {
    const fact = handoffFact(before, plan);
    return this.store.apply(fact === undefined ? plan : { ...plan, fact });
  }
}

import { randomUUID } from 'node:crypto';
import type { Tier } from '../../../flows/vocabulary';
import type { Clock } from '../../clock';
import { handoffFact } from './handoff-fact';
import type { ApplyOutcome, Plan } from './handoff-plan';
import { handoffEntrySchema, type HandoffEntry, type HandoffRecord, type StoredRecord, type WrapUp } from './handoff-record';
import type { HandoffRules } from './handoff-rules';
import type { HandoffStore } from './handoff-store';
import { ClaimBatches, type ClaimResult } from './claim-batches';
import * as agentLeg from './transitions/agent-transitions';
import { isRefusal, type Refusal, type Step } from './transitions/transition';
import * as waitingRoom from './transitions/waiting-transitions';

/** How a step went: done (with the record before and after), or refused with nothing changed. */
export type StepResult = { kind: 'done'; before: HandoffRecord; record: HandoffRecord } | ({ kind: 'refused' } & Refusal);

/** A read-and-apply that lost to another step is tried again on what won; this bounds it. */
const MAX_ATTEMPTS = 50;

/**
 * The hand-off records as the rest of the app uses them: each method is one step of the
 * lifecycle (transitions/), read, computed and applied atomically by the store, tried again when
 * another instance changed the record first. A refused step changes nothing.
 */
export class HandoffRecords {
  private readonly claims: ClaimBatches;

  constructor(
    private readonly store: HandoffStore,
    readonly rules: HandoffRules,
    private readonly clock: Clock,
  ) {
    this.claims = new ClaimBatches(store, rules, clock);
  }

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
   * Takes the caller at the head of the first non-empty of `queues` for the agent, unless the agent
   * holds a call: one atomic claim (the store's `claim`, in Redis one script and one round trip)
   * that takes the head as it is then. Claims made at the same moment on this instance go together
   * (claim-batches.ts) and take the heads in queue order, without contending.
   */
  claim(agentId: string, queues: readonly Tier[]): Promise<ClaimResult> {
    return this.claims.claim(agentId, queues);
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

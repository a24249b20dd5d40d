import { EventEmitter } from 'node:events';
import type { Tier } from '../../../flows/vocabulary';
import type { Clock } from '../../clock';
import type { MemoryRecordStream } from '../../store/memory-record-stream';
import { INDEX_NAMES, type ApplyOutcome, type ClaimAnswer, type ClaimBatch, type ClaimOutcome, type ClaimRequest, type IndexName, type Plan } from './handoff-plan';
import { decodeRecord, encodeRecord, type HandoffRecord, type StoredRecord } from './handoff-record';
import { FIGURES_KEPT, refuseClaimPlan, type FigureKind, type HandoffStore, type RecordChange } from './handoff-store';
import { MemorySortedSet } from './memory-sorted-set';
import { claim } from './transitions/agent-transitions';
import { isRefusal } from './transitions/transition';

const STEPS_KEPT = 8;

interface Held {
  json: string;
  rev: number;
  steps: string[];
  expiresAt: number;
}

/**
 * The embedded twin of the Redis hand-off store for a single process: the same plans applied
 * the same way (see lua/apply-9.lua) and the same claims (lua/claim-5+n.lua), atomic because each
 * runs to completion on the event loop.
 */
export class MemoryHandoffStore implements HandoffStore {
  private readonly records = new Map<string, Held>();
  private readonly agents = new Map<string, { callSid: string; expiresAt: number }>();
  private readonly indexes = new Map<IndexName, MemorySortedSet>(INDEX_NAMES.map((name) => [name, new MemorySortedSet()]));
  private readonly figureLists = new Map<string, string[]>();
  private readonly events = new EventEmitter();

  constructor(
    private readonly clock: Clock,
    /** The embedded record stream: a step's call-record fact is appended within the step. */
    private readonly recordStream?: MemoryRecordStream,
  ) {}

  async read(callSid: string): Promise<StoredRecord | null> {
    const held = this.live(callSid);
    return held ? { record: decodeRecord(held.json), rev: held.rev } : null;
  }

  async heldBy(agentId: string): Promise<string | null> {
    return this.holder(agentId);
  }

  async holding(agentIds: readonly string[]): Promise<string[]> {
    return agentIds.filter((agentId) => this.holder(agentId) !== null);
  }

  /** Atomic: runs to completion without awaiting, like the Lua script it twins. */
  async apply(plan: Plan): Promise<ApplyOutcome> {
    refuseClaimPlan(plan);
    const held = this.live(plan.callSid);
    if (held?.steps.includes(plan.stepId)) return 'duplicate';
    if (plan.expectRev === null ? held !== undefined : held?.rev !== plan.expectRev) return 'stale';
    this.write(plan, held);
    return 'applied';
  }

  /** Atomic like lua/claim-5+n.lua: each head is picked and the claim transition applied without awaiting. */
  async claim(batch: ClaimBatch): Promise<ClaimAnswer> {
    const outcomes = batch.claims.map((request) => this.claimOne(request, batch));
    return { outcomes, heads: { tier1: this.index('tier1').first(batch.readAhead), tier2: this.index('tier2').first(batch.readAhead) } };
  }

  async due(index: Exclude<IndexName, Tier>, upTo: number, limit: number): Promise<string[]> {
    return this.index(index).upTo(upTo, limit);
  }

  async forget(index: IndexName, callSid: string): Promise<void> {
    this.index(index).remove(callSid);
  }

  async list(queue: Tier, limit?: number): Promise<HandoffRecord[]> {
    const index = this.index(queue);
    return index.first(limit ?? index.size).flatMap((callSid) => {
      const held = this.live(callSid);
      return held ? [decodeRecord(held.json)] : [];
    });
  }

  async rank(queue: Tier, callSid: string): Promise<{ position: number; size: number } | null> {
    const index = this.index(queue);
    const rank = index.rank(callSid);
    return rank < 0 ? null : { position: rank + 1, size: index.size };
  }

  async depth(queue: Tier): Promise<number> {
    return this.index(queue).size;
  }

  async memberships(callSid: string): Promise<Partial<Record<IndexName, number>>> {
    return Object.fromEntries(INDEX_NAMES.flatMap((name) => {
      const score = this.index(name).score(callSid);
      return score === undefined ? [] : [[name, score]];
    }));
  }

  async onChange(listener: (change: RecordChange) => void): Promise<() => void> {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  async pushFigure(kind: FigureKind, queue: Tier, value: string): Promise<void> {
    const key = `${kind}:${queue}`;
    this.figureLists.set(key, [value, ...(this.figureLists.get(key) ?? [])].slice(0, FIGURES_KEPT));
  }

  async figures(kind: FigureKind, queue: Tier): Promise<string[]> {
    return [...(this.figureLists.get(`${kind}:${queue}`) ?? [])];
  }

  /**
   * Synchronous on purpose: `apply` is atomic only because nothing in it awaits (another step
   * would run in between, as two claims of one agent did when this was awaited).
   */
  private holder(agentId: string): string | null {
    const held = this.agents.get(agentId);
    return held && held.expiresAt > this.clock.now() ? held.callSid : null;
  }

  private claimOne(request: ClaimRequest, { terms, candidates }: ClaimBatch): ClaimOutcome {
    const holding = this.holder(request.agentId);
    if (holding !== null) {
      const applied = this.live(holding)?.steps.includes(request.stepId);
      return { kind: applied ? 'duplicate' : 'busy', callSid: holding };
    }
    for (const queue of request.queues) {
      const index = this.index(queue);
      for (let head = index.first(1)[0]; head !== undefined; head = index.first(1)[0]) {
        if (!candidates[queue]?.includes(head)) return { kind: 'not-head' };
        const held = this.live(head);
        const stored = held && { record: decodeRecord(held.json), rev: held.rev };
        const step = stored?.record.queue === queue ? claim(stored, terms, request, request.stepId) : undefined;
        if (step && !isRefusal(step)) {
          this.write(step, held);
          return { kind: 'claimed', stored: { record: step.record, rev: stored!.rev + 1 } };
        }
        // A member whose record expired, or that left its queue without it (never by a step), is dropped when met.
        index.remove(head);
      }
    }
    return { kind: 'empty' };
  }

  private write(plan: Plan, held: Held | undefined): void {
    const now = this.clock.now();
    this.records.set(plan.callSid, {
      json: encodeRecord(plan.record),
      rev: (held?.rev ?? 0) + 1,
      steps: [...(held?.steps ?? []), plan.stepId].slice(-STEPS_KEPT),
      expiresAt: plan.ttlMs !== undefined ? now + plan.ttlMs : (held?.expiresAt ?? Infinity),
    });
    for (const name of plan.remove) this.index(name).remove(plan.callSid);
    for (const { index, score } of plan.add) this.index(index).add(plan.callSid, score);
    if (plan.agent?.op === 'claim') this.agents.set(plan.agent.agentId, { callSid: plan.callSid, expiresAt: now + (plan.agent.ttlMs ?? 0) });
    if (plan.agent?.op === 'release' && this.agents.get(plan.agent.agentId)?.callSid === plan.callSid) this.agents.delete(plan.agent.agentId);
    if (plan.fact !== undefined) this.recordStream?.push(plan.fact);
    const change: RecordChange = { callSid: plan.callSid, state: plan.record.state, queue: plan.record.queue, ...(plan.record.agentId ? { agentId: plan.record.agentId } : {}) };
    queueMicrotask(() => this.events.emit('change', change));
  }

  /** A record past its TTL is gone, as in Redis. */
  private live(callSid: string): Held | undefined {
    const held = this.records.get(callSid);
    if (held && held.expiresAt <= this.clock.now()) {
      this.records.delete(callSid);
      return undefined;
    }
    return held;
  }

  private index(name: IndexName): MemorySortedSet {
    return this.indexes.get(name)!;
  }
}

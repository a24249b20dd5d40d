import { randomUUID } from 'node:crypto';
import type { Tier } from '../../../flows/vocabulary';
import type { Clock } from '../../clock';
import type { ClaimBatch, ClaimOutcome } from './handoff-plan';
import type { HandoffRecord } from './handoff-record';
import type { HandoffRules } from './handoff-rules';
import type { HandoffStore } from './handoff-store';
import { claimTerms } from './transitions/agent-transitions';

export type ClaimResult =
  | { kind: 'claimed'; record: HandoffRecord; token: string; waitedMs: number }
  | { kind: 'nobody-waiting' }
  /** The agent holds another call: one caller at a time. */
  | { kind: 'busy'; callSid: string | null };

interface PendingClaim {
  agentId: string;
  queues: readonly Tier[];
  token: string;
  /** One step id for every attempt: at most one applies, and a re-sent script is recognised. */
  stepId: string;
  attempts: number;
  resolve(result: ClaimResult): void;
  reject(error: unknown): void;
}

/** Claims sent to the store at once, at most; the rest wait for the next batch (one Redis script stays short). */
const MAX_BATCH = 32;
/** Batches out at once: the next one is built and sent while the store runs the one before. */
const MAX_RUNNING = 2;
/** Candidates beyond one per claim that may run first, so that claims on other instances at the same moment rarely send one back. */
const CLAIM_MARGIN = 4;
/**
 * How many callers of each queue an answer holds, at most: candidates for every claim of the
 * batches that may run before the next one. Fewer while claims are few (a lone claim's answer stays
 * small); a burst that outgrows them costs its first claims one more round trip.
 */
const MAX_READ_AHEAD = MAX_RUNNING * MAX_BATCH + CLAIM_MARGIN;
/**
 * A claim sent back found a head it had not been given: it lost that head to a change that
 * succeeded (another claim, a caller put at the front) and gets the new heads with the answer, so
 * it takes one on the next try. This bound only guards against a bug.
 */
const MAX_CLAIM_ATTEMPTS = 1000;

/**
 * Claims made on this instance at the same moment go to the store together, like a group commit:
 * one atomic claim of all of them in the order they were made (in Redis one script, one round
 * trip). Each is still decided on its own inside it: one caller per agent, its own step id and
 * token. A lone claim is a batch of one; claims made while two batches are out wait for the next.
 *
 * A claim may only take a head whose record it names (Redis Cluster: every key in KEYS), so each
 * batch names the first callers of each queue as the last answer left them. When they are out of
 * date (claims elsewhere, a caller put at the front), the claims whose head changed are sent back
 * with the answer's heads: a round trip, as a read of the heads first would have cost every claim.
 */
export class ClaimBatches {
  private pending: PendingClaim[] = [];
  private scheduled = false;
  private running = 0;
  /** Claims in the batches out: each may take a head before the next batch runs. */
  private inFlight = 0;
  /** The first callers of each queue as the store's last answer left them. */
  private heads: Partial<Record<Tier, string[]>> = {};

  constructor(
    private readonly store: HandoffStore,
    private readonly rules: HandoffRules,
    private readonly clock: Clock,
  ) {}

  claim(agentId: string, queues: readonly Tier[]): Promise<ClaimResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ agentId, queues, token: randomUUID(), stepId: randomUUID(), attempts: 0, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= MAX_RUNNING || this.pending.length === 0) return;
    this.scheduled = true;
    // Once this turn of the event loop is over: the claims made in it (many, when the last batch
    // answered many agents) join the batch.
    setImmediate(() => {
      this.scheduled = false;
      if (this.running >= MAX_RUNNING || this.pending.length === 0) return;
      const batch = this.pending.splice(0, MAX_BATCH);
      // A batch names as many candidates as the claims before it and its own may take, not more: a lone claim stays small.
      const count = this.inFlight + batch.length + CLAIM_MARGIN;
      const candidates = Object.fromEntries(Object.entries(this.heads).map(([queue, heads]) => [queue, heads.slice(0, count)]));
      this.running += 1;
      this.inFlight += batch.length;
      void this.run(batch, candidates);
      this.schedule();
    });
  }

  private async run(batch: PendingClaim[], candidates: ClaimBatch['candidates']): Promise<void> {
    try {
      const answer = await this.store.claim({
        terms: claimTerms(this.clock.now(), this.rules),
        claims: batch.map(({ agentId, token, stepId, queues }) => ({ agentId, token, stepId, queues })),
        candidates,
        readAhead: Math.min(MAX_READ_AHEAD, 2 * (this.inFlight + this.pending.length) + CLAIM_MARGIN),
      });
      this.heads = answer.heads;
      // Sent back first in the next batch, in their order: they keep their turn among this instance's claims.
      const sentBack = batch.filter((claim, i) => !this.settle(claim, answer.outcomes[i]!));
      this.pending.unshift(...sentBack);
    } catch (error) {
      for (const claim of batch) claim.reject(error);
    } finally {
      this.running -= 1;
      this.inFlight -= batch.length;
      this.schedule();
    }
  }

  /** Answers the claim, or returns false when it goes to the next batch. */
  private settle(claim: PendingClaim, outcome: ClaimOutcome): boolean {
    const claimed = (record: HandoffRecord) =>
      claim.resolve({ kind: 'claimed', record, token: claim.token, waitedMs: Math.max(0, this.clock.now() - record.waitingSince) });
    switch (outcome.kind) {
      case 'claimed':
        claimed(outcome.stored.record);
        break;
      case 'duplicate':
        // This claim was applied by an earlier send of the same script: the agent holds its call.
        this.store.read(outcome.callSid).then(
          (stored) => (stored ? claimed(stored.record) : claim.resolve({ kind: 'busy', callSid: outcome.callSid })),
          claim.reject,
        );
        break;
      case 'busy':
        claim.resolve({ kind: 'busy', callSid: outcome.callSid });
        break;
      case 'empty':
        claim.resolve({ kind: 'nobody-waiting' });
        break;
      case 'unclaimable':
        claim.reject(new Error(`hand-off record ${outcome.callSid} cannot be claimed: ${outcome.reason}`));
        break;
      case 'not-head':
        claim.attempts += 1;
        if (claim.attempts < MAX_CLAIM_ATTEMPTS) return false;
        claim.reject(new Error(`claim for ${claim.agentId} lost ${MAX_CLAIM_ATTEMPTS} races in a row`));
    }
    return true;
  }
}

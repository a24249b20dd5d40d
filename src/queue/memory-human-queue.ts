import { stripUndefined } from './call-record';
import { estimateWaitMs, WAIT_SAMPLES_KEPT, waitSample, type WaitSample } from './estimated-wait';
import type {
  ClaimedCall,
  EnqueueResult,
  HumanQueue,
  ListedCall,
  QueuedCall,
  QueueEntry,
  QueuePosition,
  RemovedCall,
  Tier,
} from './human-queue';
import { parseQueueEntry, tierSchema } from './queue-entry-schema';
import { frontScore, waitingScore } from './queue-order';
import { assertClaimRequest, timeWaitedMs } from './queue-rules';
import { SortedQueue } from './sorted-queue';

interface HeldCall {
  call: QueuedCall;
  /** Score in its queue while waiting. */
  score: number;
}

/**
 * The embedded queue for a single process: same semantics as the Redis one (the same contract
 * suite runs against both), atomic because each operation runs to completion on the event loop.
 * Unlike Redis it has no TTL safety net: its state dies with the process anyway.
 */
export class MemoryHumanQueue implements HumanQueue {
  private readonly calls = new Map<string, HeldCall>();
  private readonly waiting: Record<Tier, SortedQueue> = { tier1: new SortedQueue(), tier2: new SortedQueue() };
  private readonly waits: Record<Tier, WaitSample[]> = { tier1: [], tier2: [] };
  private frontSeq = 0;

  async enqueue(input: QueueEntry): Promise<EnqueueResult> {
    const entry = parseQueueEntry(input);
    let held = this.calls.get(entry.callSid);
    const created = held === undefined;
    if (!held) {
      held = {
        call: { ...stripUndefined(entry), state: 'waiting', waitingSince: entry.enqueuedAt },
        score: waitingScore(entry.priority, entry.enqueuedAt),
      };
      this.calls.set(entry.callSid, held);
      this.waiting[entry.queue].add(entry.callSid, held.score);
    }
    const queue = this.waiting[held.call.queue];
    const rank = held.call.state === 'waiting' ? queue.rank(held.call.callSid, held.score) : -1;
    return { created, position: rank >= 0 ? rank + 1 : null, size: queue.size };
  }

  async claim(queues: readonly Tier[], agentId: string, now: number, leaseMs: number): Promise<ClaimedCall | null> {
    assertClaimRequest(queues, agentId);
    for (const queue of queues) {
      const callSid = this.waiting[tierSchema.parse(queue)].popMin();
      const held = callSid === undefined ? undefined : this.calls.get(callSid);
      if (!held) continue;
      const leaseExpiresAt = now + leaseMs;
      Object.assign(held.call, { state: 'claimed', agentId, leaseExpiresAt });
      return { call: { ...held.call }, agentId, leaseExpiresAt, waitedMs: timeWaitedMs(held.call, now) };
    }
    return null;
  }

  async confirmBridge(callSid: string, agentId: string): Promise<boolean> {
    const call = this.calls.get(callSid)?.call;
    if (!call || call.state === 'waiting' || call.agentId !== agentId) return false;
    call.state = 'connected';
    delete call.leaseExpiresAt;
    return true;
  }

  async requeueFront(callSid: string): Promise<boolean> {
    const held = this.calls.get(callSid);
    if (!held || held.call.state === 'waiting') return false;
    this.putFront(held, held.call.queue);
    return true;
  }

  async sweepExpiredLeases(now: number): Promise<string[]> {
    const expired = [...this.calls.values()]
      .filter(({ call }) => call.state === 'claimed' && (call.leaseExpiresAt ?? Infinity) <= now)
      // Redis sweeps in deadline order; so does this, so both requeue in the same order.
      .sort((a, b) => a.call.leaseExpiresAt! - b.call.leaseExpiresAt! || (a.call.callSid < b.call.callSid ? -1 : 1));
    for (const held of expired) this.putFront(held, held.call.queue);
    return expired.map(({ call }) => call.callSid);
  }

  async remove(callSid: string, now: number): Promise<RemovedCall | null> {
    const held = this.calls.get(callSid);
    if (!held) return null;
    this.calls.delete(callSid);
    if (held.call.state === 'waiting') this.waiting[held.call.queue].delete(callSid, held.score);
    return { ...held.call, waitedMs: timeWaitedMs(held.call, now) };
  }

  async escalate(callSid: string, note: string, now: number): Promise<boolean> {
    const held = this.calls.get(callSid);
    if (!held || held.call.state === 'waiting') return false;
    held.call.note = note;
    held.call.waitingSince = now;
    this.putFront(held, 'tier2');
    return true;
  }

  async requestCallback(callSid: string): Promise<boolean> {
    const call = this.calls.get(callSid)?.call;
    if (!call || call.state !== 'waiting') return false;
    call.callbackRequested = true;
    return true;
  }

  async position(callSid: string): Promise<QueuePosition | null> {
    const held = this.calls.get(callSid);
    if (!held || held.call.state !== 'waiting') return null;
    const queue = this.waiting[held.call.queue];
    return { queue: held.call.queue, position: queue.rank(callSid, held.score) + 1, size: queue.size };
  }

  async list(queue: Tier, limit?: number): Promise<ListedCall[]> {
    return this.waiting[queue]
      .head(Math.max(0, limit ?? Infinity))
      .map((callSid, index) => ({ ...this.calls.get(callSid)!.call, position: index + 1 }));
  }

  async recordWait(queue: Tier, waitedMs: number, now: number): Promise<void> {
    const sample = waitSample(waitedMs, now);
    const samples = this.waits[queue];
    samples.unshift(sample);
    samples.length = Math.min(samples.length, WAIT_SAMPLES_KEPT);
  }

  async estimatedWaitMs(queue: Tier, position: number): Promise<number | null> {
    return estimateWaitMs(this.waits[queue], position);
  }

  async depth(queue: Tier): Promise<number> {
    return this.waiting[queue].size;
  }

  async getEntry(callSid: string): Promise<QueuedCall | null> {
    const call = this.calls.get(callSid)?.call;
    return call ? { ...call } : null;
  }

  async owner(callSid: string): Promise<string | null> {
    const call = this.calls.get(callSid)?.call;
    return call && call.state !== 'waiting' ? (call.agentId ?? null) : null;
  }

  private putFront(held: HeldCall, queue: Tier): void {
    this.frontSeq += 1;
    held.score = frontScore(this.frontSeq);
    Object.assign(held.call, { queue, state: 'waiting' });
    delete held.call.agentId;
    delete held.call.leaseExpiresAt;
    this.waiting[queue].add(held.call.callSid, held.score);
  }
}

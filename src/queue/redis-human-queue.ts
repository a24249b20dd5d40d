import type { Redis } from 'ioredis';
import { callFromFields, entryData, fieldsFromFlat } from './call-record';
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
import { queueLuaScripts } from './lua-scripts';
import { parseQueueEntry, tierSchema } from './queue-entry-schema';
import { queueKeys, type QueueKeys } from './queue-keys';
import { waitingScore } from './queue-order';
import { assertClaimRequest, timeWaitedMs } from './queue-rules';
import { decodeOutcome, QueueScriptError } from './queue-script-errors';

export interface RedisHumanQueueOptions {
  /**
   * Safety net for calls nobody removes (a lost status callback): a call's hash expires this long
   * after its last claim or enqueue. Far longer than any call; default 24 h.
   */
  callTtlMs?: number;
  /** Expired leases handled per sweep script run, so one run never blocks Redis for long. */
  sweepBatch?: number;
}

type ScriptName =
  | 'enqueue'
  | 'claim'
  | 'confirm-bridge'
  | 'requeue-front'
  | 'sweep-leases'
  | 'escalate'
  | 'remove'
  | 'request-callback'
  | 'position';

type ScriptArg = string | number;
type CustomCommand = (...args: ScriptArg[]) => Promise<unknown>;

/** Distinct ioredis command names; never a real Redis command (e.g. `hello` would break the handshake). */
function commandName(script: string): string {
  return `hotlineQueue_${script.replace(/-/g, '_')}`;
}

/**
 * The human queue in Redis. Every change spanning several keys is one Lua script (src/queue/lua),
 * so it is atomic across instances; every operation is O(log N) in the number of waiting callers
 * except `list`.
 */
export class RedisHumanQueue implements HumanQueue {
  private readonly keys: QueueKeys;
  private readonly keyCounts = new Map<string, number>();
  private readonly callTtlMs: number;
  private readonly sweepBatch: number;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    options: RedisHumanQueueOptions = {},
  ) {
    this.keys = queueKeys(prefix);
    this.callTtlMs = options.callTtlMs ?? 24 * 3600_000;
    this.sweepBatch = options.sweepBatch ?? 500;
    for (const script of queueLuaScripts()) {
      this.keyCounts.set(script.name, script.numberOfKeys);
      const command = commandName(script.name);
      if (!(command in redis)) {
        redis.defineCommand(command, {
          numberOfKeys: script.numberOfKeys,
          lua: script.lua,
          readOnly: script.name === 'position',
        });
      }
    }
  }

  private run(script: ScriptName, keys: string[], args: ScriptArg[]): Promise<unknown> {
    if (this.keyCounts.get(script) !== keys.length) {
      throw new Error(`queue script ${script} expects ${this.keyCounts.get(script)} keys, got ${keys.length}`);
    }
    const command = (this.redis as unknown as Record<string, CustomCommand>)[commandName(script)];
    if (!command) throw new Error(`queue script ${script} is not loaded`);
    return command.call(this.redis, ...keys, ...args);
  }

  private get queueKeyPair(): [string, string] {
    return [this.keys.waiting('tier1'), this.keys.waiting('tier2')];
  }

  async enqueue(input: QueueEntry): Promise<EnqueueResult> {
    const entry = parseQueueEntry(input);
    const reply = await this.run('enqueue', [...this.queueKeyPair, this.keys.call(entry.callSid)], [
      entry.callSid,
      entry.queue,
      waitingScore(entry.priority, entry.enqueuedAt),
      entryData(entry),
      entry.enqueuedAt,
      entry.callbackRequested ? '1' : '0',
      entry.note ?? '',
      this.callTtlMs,
    ]);
    const position = numberAt('enqueue', reply, 1);
    return {
      created: numberAt('enqueue', reply, 0) === 1,
      position: position === 0 ? null : position,
      size: numberAt('enqueue', reply, 2),
    };
  }

  async claim(queues: readonly Tier[], agentId: string, now: number, leaseMs: number): Promise<ClaimedCall | null> {
    assertClaimRequest(queues, agentId);
    const leaseExpiresAt = now + leaseMs;
    const reply = await this.run('claim', [...this.queueKeyPair, this.keys.leases], [
      this.keys.callPrefix,
      agentId,
      leaseExpiresAt,
      this.callTtlMs,
      ...queues.map((queue) => tierSchema.parse(queue)),
    ]);
    const fields = fieldsFromFlat(reply);
    if (!fields) return null;
    const call = callFromFields(fields);
    return { call, agentId, leaseExpiresAt, waitedMs: timeWaitedMs(call, now) };
  }

  async confirmBridge(callSid: string, agentId: string): Promise<boolean> {
    const reply = await this.run('confirm-bridge', [this.keys.call(callSid), this.keys.leases], [callSid, agentId]);
    return decodeOutcome('confirm-bridge', reply) === 'ok';
  }

  async requeueFront(callSid: string): Promise<boolean> {
    const reply = await this.run(
      'requeue-front',
      [...this.queueKeyPair, this.keys.leases, this.keys.frontSeq, this.keys.call(callSid)],
      [callSid],
    );
    return decodeOutcome('requeue-front', reply) === 'ok';
  }

  async sweepExpiredLeases(now: number): Promise<string[]> {
    const requeued: string[] = [];
    for (;;) {
      const reply = await this.run('sweep-leases', [...this.queueKeyPair, this.keys.leases, this.keys.frontSeq], [
        this.keys.callPrefix,
        now,
        this.sweepBatch,
      ]);
      if (!Array.isArray(reply) || typeof reply[0] !== 'number') throw new QueueScriptError('sweep-leases', reply);
      requeued.push(...reply.slice(1).map(String));
      if (reply[0] < this.sweepBatch) return requeued;
    }
  }

  async remove(callSid: string, now: number): Promise<RemovedCall | null> {
    const reply = await this.run(
      'remove',
      [...this.queueKeyPair, this.keys.leases, this.keys.call(callSid)],
      [callSid],
    );
    const fields = fieldsFromFlat(reply);
    if (!fields) return null;
    const call = callFromFields(fields);
    return { ...call, waitedMs: timeWaitedMs(call, now) };
  }

  async escalate(callSid: string, note: string, now: number): Promise<boolean> {
    const reply = await this.run(
      'escalate',
      [...this.queueKeyPair, this.keys.leases, this.keys.frontSeq, this.keys.call(callSid)],
      [callSid, note, now],
    );
    return decodeOutcome('escalate', reply) === 'ok';
  }

  async requestCallback(callSid: string): Promise<boolean> {
    const reply = await this.run('request-callback', [this.keys.call(callSid)], []);
    return decodeOutcome('request-callback', reply) === 'ok';
  }

  async position(callSid: string): Promise<QueuePosition | null> {
    const reply = await this.run('position', [...this.queueKeyPair, this.keys.call(callSid)], [callSid]);
    if (!Array.isArray(reply) || reply.length === 0) return null;
    return {
      queue: tierSchema.parse(reply[0]),
      position: numberAt('position', reply, 1),
      size: numberAt('position', reply, 2),
    };
  }

  async list(queue: Tier, limit?: number): Promise<ListedCall[]> {
    if (limit !== undefined && limit <= 0) return [];
    const callSids = await this.redis.zrange(this.keys.waiting(queue), 0, String(limit === undefined ? -1 : limit - 1));
    if (callSids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const callSid of callSids) pipeline.hgetall(this.keys.call(callSid));
    const replies = (await pipeline.exec()) ?? [];
    // Read without a lock: a caller claimed between the two reads is simply left out.
    return replies.flatMap(([error, fields], index) => {
      if (error || !fields || Object.keys(fields).length === 0) return [];
      const call = callFromFields(fields as Record<string, string>);
      return call.state === 'waiting' && call.queue === queue ? [{ ...call, position: index + 1 }] : [];
    });
  }

  async recordWait(queue: Tier, waitedMs: number, now: number): Promise<void> {
    const sample = waitSample(waitedMs, now);
    const key = this.keys.waits(queue);
    await this.redis
      .multi()
      .lpush(key, `${sample.at}:${sample.waitedMs}`)
      .ltrim(key, 0, WAIT_SAMPLES_KEPT - 1)
      .exec();
  }

  async estimatedWaitMs(queue: Tier, position: number): Promise<number | null> {
    const raw = await this.redis.lrange(this.keys.waits(queue), 0, WAIT_SAMPLES_KEPT - 1);
    const samples: WaitSample[] = raw.map((sample) => {
      const [at, waitedMs] = sample.split(':').map(Number);
      return { at: at ?? 0, waitedMs: waitedMs ?? 0 };
    });
    return estimateWaitMs(samples, position);
  }

  depth(queue: Tier): Promise<number> {
    return this.redis.zcard(this.keys.waiting(queue));
  }

  async getEntry(callSid: string): Promise<QueuedCall | null> {
    const fields = await this.redis.hgetall(this.keys.call(callSid));
    return Object.keys(fields).length === 0 ? null : callFromFields(fields);
  }

  async owner(callSid: string): Promise<string | null> {
    const [state, agent] = await this.redis.hmget(this.keys.call(callSid), 'state', 'agent');
    return state === 'claimed' || state === 'connected' ? (agent ?? null) : null;
  }
}

function numberAt(script: string, reply: unknown, index: number): number {
  const value: unknown = Array.isArray(reply) ? reply[index] : undefined;
  if (typeof value !== 'number') throw new QueueScriptError(script, reply);
  return value;
}

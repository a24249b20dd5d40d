import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Tier } from '../../../flows/vocabulary';
import { DEFAULT_RECORD_STREAM_MAXLEN } from '../../store/record-stream';
import { subscriberOf, type RedisClient } from '../../store/redis-connection';
import { ReplicaWait } from '../../store/replica-wait';
import { defineVariadicScript } from '../../store/variadic-script';
import { handoffKeys, type HandoffKeys } from './handoff-keys';
import { INDEX_NAMES, type ApplyOutcome, type ClaimAnswer, type ClaimBatch, type IndexName, type Plan } from './handoff-plan';
import { decodeRecord, encodeRecord, type HandoffRecord, type StoredRecord } from './handoff-record';
import { decodeApply, decodeClaims, FIGURES_KEPT, refuseClaimPlan, type FigureKind, type HandoffStore, type RecordChange } from './handoff-store';

const APPLY = 'hotlineHandoffApply';
const CLAIM = 'hotlineHandoffClaim';
/** The indexes claims touch, KEYS[1..5] of lua/claim-5+n.lua. */
const CLAIM_QUEUES: readonly Tier[] = ['tier1', 'tier2'];
const CLAIM_INDEXES: readonly IndexName[] = [...CLAIM_QUEUES, 'leases', 'heartbeats', 'retries'];
/** Figures older than a day say nothing about the queue now: an idle queue's lists expire. */
const FIGURES_TTL_MS = 24 * 3600_000;

/**
 * Source runs (ts-jest, tsx) find `lua/` next to this file; the compiled build runs from dist/
 * and copies no assets, so it reads the script from the source tree.
 */
function luaScript(name: string): string {
  const candidates = [path.join(__dirname, 'lua', name), path.resolve(__dirname, '../../../../src/handoff/record/lua', name)];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`hand-off Lua script not found in ${candidates.join(' or ')}`);
  return readFileSync(found, 'utf8');
}

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

export interface RedisHandoffStoreOptions {
  log?: Logger;
  /** The call records' stream bound (record-stream.ts); its key is built with the hand-off's. */
  recordsMaxLen?: number;
  /** Where applied steps wait for a replica; default: one of this store's own. */
  replicaWait?: ReplicaWait;
}

/**
 * Hand-off records in Redis: a hash per call, a sorted set per queue and per timer, a key per
 * agent holding a call, all under the `{queue}` hash tag. A claim is lua/claim-5+n.lua, every
 * other change lua/apply-9.lua; every change that must survive a failover waits for a replica
 * (WAIT, bounded; store/replica-wait.ts) on the master holding the queue.
 */
export class RedisHandoffStore implements HandoffStore {
  private readonly keys: HandoffKeys;
  private readonly log: Logger | undefined;
  private readonly recordsMaxLen: number;
  private readonly replicaWait: ReplicaWait;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    options: RedisHandoffStoreOptions = {},
  ) {
    this.keys = handoffKeys(prefix);
    this.log = options.log;
    this.recordsMaxLen = options.recordsMaxLen ?? DEFAULT_RECORD_STREAM_MAXLEN;
    this.replicaWait = options.replicaWait ?? new ReplicaWait(redis, options.log);
    if (!(APPLY in redis)) redis.defineCommand(APPLY, { numberOfKeys: 9, lua: luaScript('apply-9.lua') });
    // Its number of keys varies with the claims and candidates: given first on every call.
    defineVariadicScript(redis, CLAIM, luaScript('claim-5+n.lua'));
  }

  async read(callSid: string): Promise<StoredRecord | null> {
    const [json, rev] = await this.redis.hmget(this.keys.record(callSid), 'r', 'rev');
    return json && rev ? { record: decodeRecord(json), rev: Number(rev) } : null;
  }

  heldBy(agentId: string): Promise<string | null> {
    return this.redis.get(this.keys.agent(agentId));
  }

  async holding(agentIds: readonly string[]): Promise<string[]> {
    if (agentIds.length === 0) return [];
    const held = await this.redis.mget(...agentIds.map((agentId) => this.keys.agent(agentId)));
    return agentIds.filter((_, index) => held[index] !== null);
  }

  async apply(plan: Plan): Promise<ApplyOutcome> {
    refuseClaimPlan(plan);
    const indexKey = (name: IndexName) => INDEX_NAMES.indexOf(name) + 3;
    const spec = {
      add: plan.add.map((entry) => [indexKey(entry.index), String(entry.score)]),
      remove: plan.remove.map(indexKey),
      ...(plan.agent ? { agent: { op: plan.agent.op } } : {}),
    };
    const change: RecordChange = {
      callSid: plan.callSid,
      state: plan.record.state,
      queue: plan.record.queue,
      ...(plan.record.agentId ? { agentId: plan.record.agentId } : {}),
    };
    const reply = await this.script(APPLY).call(
      this.redis,
      this.keys.record(plan.callSid),
      this.keys.agent(plan.agent?.agentId ?? '-'),
      ...INDEX_NAMES.map((name) => this.keys.index(name)),
      this.keys.records,
      plan.stepId,
      plan.expectRev === null ? '' : String(plan.expectRev),
      encodeRecord(plan.record),
      plan.ttlMs === undefined ? '' : String(plan.ttlMs),
      plan.callSid,
      JSON.stringify(spec),
      this.keys.events,
      JSON.stringify(change),
      plan.fact ?? '',
      String(this.recordsMaxLen),
    );
    const outcome = decodeApply(reply);
    if (outcome === 'applied') await this.replicaWait.after(this.keys.record(plan.callSid), { callSid: plan.callSid });
    return outcome;
  }

  async claim(batch: ClaimBatch): Promise<ClaimAnswer> {
    const candidates = CLAIM_QUEUES.flatMap((queue) => batch.candidates[queue] ?? []);
    const keys = [
      ...CLAIM_INDEXES.map((name) => this.keys.index(name)),
      ...batch.claims.map((claim) => this.keys.agent(claim.agentId)),
      ...candidates.map((callSid) => this.keys.record(callSid)),
    ];
    const reply = await this.script(CLAIM).call(this.redis, keys.length, ...keys, JSON.stringify({ terms: batch.terms, claims: batch.claims, readAhead: batch.readAhead }), this.keys.events, ...candidates);
    const answer = decodeClaims(reply, batch.claims.length);
    const claimed = answer.outcomes.find((outcome) => outcome.kind === 'claimed');
    if (claimed) await this.replicaWait.after(this.keys.record(claimed.stored.record.callSid), { callSid: claimed.stored.record.callSid });
    return answer;
  }

  async due(index: Exclude<IndexName, Tier>, upTo: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.index(index), '-inf', String(upTo), 'LIMIT', 0, limit);
  }

  async forget(index: IndexName, callSid: string): Promise<void> {
    await this.redis.zrem(this.keys.index(index), callSid);
  }

  async list(queue: Tier, limit?: number): Promise<HandoffRecord[]> {
    if (limit !== undefined && limit <= 0) return [];
    const members = await this.redis.zrange(this.keys.index(queue), '0', String(limit === undefined ? -1 : limit - 1));
    if (members.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const callSid of members) pipeline.hget(this.keys.record(callSid), 'r');
    const replies = (await pipeline.exec()) ?? [];
    // Read without a lock: a caller claimed between the two reads is simply left out.
    return replies.flatMap(([error, json]) => {
      if (error || typeof json !== 'string') return [];
      const record = decodeRecord(json);
      return record.queue === queue && (record.state === 'waiting' || record.state === 'callback-waiting') ? [record] : [];
    });
  }

  async rank(queue: Tier, callSid: string): Promise<{ position: number; size: number } | null> {
    const key = this.keys.index(queue);
    const [rank, size] = await Promise.all([this.redis.zrank(key, callSid), this.redis.zcard(key)]);
    return rank === null ? null : { position: rank + 1, size };
  }

  depth(queue: Tier): Promise<number> {
    return this.redis.zcard(this.keys.index(queue));
  }

  async memberships(callSid: string): Promise<Partial<Record<IndexName, number>>> {
    const pipeline = this.redis.pipeline();
    for (const name of INDEX_NAMES) pipeline.zscore(this.keys.index(name), callSid);
    const replies = (await pipeline.exec()) ?? [];
    return Object.fromEntries(
      INDEX_NAMES.flatMap((name, i) => {
        const score = replies[i]?.[1];
        return typeof score === 'string' ? [[name, Number(score)]] : [];
      }),
    );
  }

  async onChange(listener: (change: RecordChange) => void): Promise<() => void> {
    const subscriber = subscriberOf(this.redis);
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        listener(JSON.parse(message) as RecordChange);
      } catch (error) {
        this.log?.warn({ err: error }, 'unreadable hand-off event');
      }
    });
    await subscriber.subscribe(this.keys.events);
    return () => subscriber.disconnect();
  }

  async pushFigure(kind: FigureKind, queue: Tier, value: string): Promise<void> {
    const key = this.keys.figures(kind, queue);
    await this.redis.multi().lpush(key, value).ltrim(key, 0, FIGURES_KEPT - 1).pexpire(key, FIGURES_TTL_MS).exec();
  }

  figures(kind: FigureKind, queue: Tier): Promise<string[]> {
    return this.redis.lrange(this.keys.figures(kind, queue), 0, FIGURES_KEPT - 1);
  }

  private script(name: typeof APPLY | typeof CLAIM): ScriptCommand {
    return (this.redis as unknown as Record<string, ScriptCommand>)[name]!;
  }
}

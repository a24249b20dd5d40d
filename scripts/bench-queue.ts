/**
 * Hand-off benchmark against a real Redis (REDIS_URL, default redis://127.0.0.1:6379), under a
 * unique key prefix that is deleted afterwards. Fills a queue with 100,000 waiting callers, then
 * measures one-at-a-time latency (p50/p99) of enqueue, position, claim and a whole agent cycle
 * (claim → answered → wrap-up) with the queue full, and claims per second with many in flight on
 * one connection, as a busy instance would have — each claim by its own agent, the one-caller-per-
 * agent rule checked inside the step.
 *   npx tsx scripts/bench-queue.ts
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { systemClock } from '../src/clock';
import type { HandoffEntry } from '../src/handoff/record/handoff-record';
import { HandoffRecords } from '../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../src/handoff/record/handoff-rules';
import { RedisHandoffStore } from '../src/handoff/record/redis-handoff-store';
import { connectRedis } from '../src/store/redis-connection';

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  samples: number;
}

export interface QueueBenchResult {
  machine: { cpu: string; cores: number; node: string; redis: string };
  waitingCallers: number;
  fillPerSecond: number;
  latency: { enqueue: LatencyFigures; position: LatencyFigures; claim: LatencyFigures; cycle: LatencyFigures };
  claimsPerSecond: number;
  concurrency: number;
}

const FILL = 100_000;
const LATENCY_SAMPLES = 2_000;
/** Unmeasured runs first, so the figures are not the JIT compiling the code path. */
const WARM_UP = 200;
const THROUGHPUT_CLAIMS = 30_000;
const CONCURRENCY = 64;
const PRIORITIES = ['urgent', 'repeat', 'normal', 'normal', 'normal'] as const;

function entry(index: number, start: number): HandoffEntry {
  return {
    callSid: `CA${index.toString(16).padStart(32, '0')}`,
    queue: 'tier1',
    from: '+8613800000001',
    dialable: true,
    language: 'zh-CN',
    identityLevel: 1,
    walletId: `w-${index}`,
    intent: 'transaction.failed',
    subject: { kind: 'transaction', id: `tx-${index}` },
    priority: PRIORITIES[index % PRIORITIES.length]!,
    enqueuedAt: start + index,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function latency(samples: number, operation: (i: number) => Promise<unknown>): Promise<LatencyFigures> {
  for (let i = 0; i < WARM_UP; i += 1) await operation(samples + i);
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = process.hrtime.bigint();
    await operation(i);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), samples };
}

/** Runs `total` operations with `concurrency` in flight; returns operations per second. */
async function throughput(total: number, concurrency: number, operation: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await operation(next++);
    }),
  );
  return Math.round(total / (Number(process.hrtime.bigint() - started) / 1e9));
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

async function redisVersion(redis: Redis): Promise<string> {
  return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
}

export async function runQueueBench(url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<QueueBenchResult> {
  const redis = await connectRedis(url, { commandTimeout: 30_000 });
  const prefix = `bench:queue:${randomBytes(4).toString('hex')}:`;
  const records = new HandoffRecords(new RedisHandoffStore(redis, prefix), DEFAULT_HANDOFF_RULES, systemClock);
  const start = Date.now() - FILL;
  let agents = 0;
  const claim = () => records.claim(`bench-${agents++}`, ['tier2', 'tier1']);
  try {
    const fillPerSecond = await throughput(FILL, CONCURRENCY * 4, (i) => records.enqueue(entry(i, start)));
    let extra = FILL;
    const enqueueLatency = await latency(LATENCY_SAMPLES, () => records.enqueue(entry(extra++, start)));
    const positionLatency = await latency(LATENCY_SAMPLES, (i) =>
      records.position({ queue: 'tier1', callSid: entry((i * 7919) % FILL, start).callSid }),
    );
    const claimLatency = await latency(LATENCY_SAMPLES, claim);
    const cycle = await latency(LATENCY_SAMPLES, async () => {
      const agentId = `cycle-${agents++}`;
      const claimed = await records.claim(agentId, ['tier1']);
      if (claimed.kind !== 'claimed') throw new Error('the bench queue ran empty');
      await records.answered(claimed.record.callSid, claimed.token);
      await records.wrapUp(claimed.record.callSid, { agentId, note: 'bench', resolved: true });
    });
    const claimsPerSecond = await throughput(THROUGHPUT_CLAIMS, CONCURRENCY, claim);
    const cpus = os.cpus();
    return {
      machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, redis: await redisVersion(redis) },
      waitingCallers: FILL,
      fillPerSecond,
      latency: { enqueue: enqueueLatency, position: positionLatency, claim: claimLatency, cycle },
      claimsPerSecond,
      concurrency: CONCURRENCY,
    };
  } finally {
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
}

function print(result: QueueBenchResult): void {
  const { machine, latency: l } = result;
  console.log(`hand-off bench — ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, redis ${machine.redis}`);
  console.log(`filled ${result.waitingCallers.toLocaleString('en-US')} waiting callers at ${result.fillPerSecond.toLocaleString('en-US')} enqueues/s`);
  for (const [name, figures] of Object.entries(l)) {
    console.log(`${name.padEnd(9)} p50 ${figures.p50Ms.toFixed(3)} ms  p99 ${figures.p99Ms.toFixed(3)} ms  (${figures.samples} sequential, queue full)`);
  }
  console.log(`claims    ${result.claimsPerSecond.toLocaleString('en-US')} /s with ${result.concurrency} in flight on one connection (one agent each)`);
}

if (require.main === module) {
  runQueueBench().then(print, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/**
 * The records worker's throughput: call-record facts already waiting in a Redis stream (as after
 * a busy hour, or a database outage) written into PostgreSQL by one RecordsWorker with its default
 * batch, timed until the stream is empty; then the same on the embedded PostgreSQL (pglite) with
 * fewer facts. Each call has its session's fact and three of its hand-off's (queued, answered,
 * wrapped up), as a call handed to an agent leaves. Own key prefix and database, removed afterwards.
 *
 *   npx tsx scripts/bench/records-worker.ts     (also part of `npm run bench`)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { CallRecordsDb } from '../../src/records/call-records-db';
import { encodeFact, type RecordFact } from '../../src/records/record-facts';
import { RecordsWorker } from '../../src/records/records-worker';
import { embeddedDatabase } from '../../src/records/sql/embedded-database';
import { migrate } from '../../src/records/sql/migrations';
import { postgresDatabase } from '../../src/records/sql/postgres-database';
import type { SqlDatabase } from '../../src/records/sql/sql-database';
import { connectRedis } from '../../src/store/redis-connection';
import { createRedisStore } from '../../src/stores';
import { round } from './figures';
import { deletePrefix } from './redis-commands';
import { createBenchDatabase, DEFAULT_BENCH_POSTGRES_URL } from './bench-database';

const POSTGRES_CALLS = 5_000;
const EMBEDDED_CALLS = 1_000;

export interface RecordsBenchRun {
  database: 'postgres' | 'embedded';
  calls: number;
  facts: number;
  seconds: number;
  factsPerSecond: number;
  /** Whole call records completed per second (four facts each). */
  callsPerSecond: number;
}

export interface RecordsBenchResult {
  batchSize: number;
  runs: RecordsBenchRun[];
}

function factsOfCall(index: number, at: number): RecordFact[] {
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const caller = { caller: '+86*****0001', callerNumber: `+86139${String(index).padStart(8, '0')}`, walletId: null };
  const handoff = {
    kind: 'handoff' as const,
    callSid,
    ...caller,
    language: 'zh-CN' as const,
    identityLevel: 1 as const,
    intent: 'transaction.failed',
    queue: 'tier1' as const,
    queuedAt: at + 40_000,
    escalated: false,
    callbackAsked: false,
    talkSeconds: null,
    endedAt: null,
    wrapUp: null,
    survey: null,
  };
  return [
    {
      kind: 'call',
      callSid,
      rev: 9,
      ...caller,
      startedAt: at,
      endedAt: at + 400_000,
      language: 'zh-CN',
      journey: ['main', 'transaction'],
      identityLevel: 1,
      intent: 'transaction.failed',
      selfService: [{ kind: 'transaction.failed', at: new Date(at + 20_000).toISOString(), ref: 'TX-20261125-0042' }],
      ivrOutcome: 'handoff',
    },
    { ...handoff, rev: 1, waitedSeconds: null, agentId: null, outcome: null },
    { ...handoff, rev: 3, waitedSeconds: 60, agentId: 'alice', outcome: null },
    {
      ...handoff,
      rev: 5,
      waitedSeconds: 60,
      agentId: 'alice',
      talkSeconds: 240,
      outcome: 'agent',
      endedAt: at + 340_000,
      wrapUp: { note: '已解释失败原因：余额不足，客户将充值后重试', resolved: true, at: at + 400_000 },
    },
  ];
}

async function oneRun(redis: Redis, db: SqlDatabase, database: RecordsBenchRun['database'], calls: number, batchSize: number): Promise<RecordsBenchRun> {
  const prefix = `bench:records:${randomBytes(4).toString('hex')}:`;
  const stream = createRedisStore(redis, prefix).records;
  try {
    await migrate(db);
    const start = Date.now() - 86_400_000;
    let facts = 0;
    for (let i = 0; i < calls; i += 250) {
      const appended: Array<Promise<void>> = [];
      for (let j = i; j < Math.min(calls, i + 250); j++) appended.push(...factsOfCall(j, start + j * 1000).map((fact) => stream.append(encodeFact(fact))));
      await Promise.all(appended);
      facts += appended.length;
    }
    const worker = new RecordsWorker({ stream, records: new CallRecordsDb(db), log: pino({ level: 'silent' }), migrate: async () => undefined, batchSize });
    const started = performance.now();
    while ((await stream.lag()).backlog > 0) await worker.round();
    const seconds = (performance.now() - started) / 1000;
    return { database, calls, facts, seconds: round(seconds, 2), factsPerSecond: Math.round(facts / seconds), callsPerSecond: Math.round(calls / seconds) };
  } finally {
    await deletePrefix(redis, prefix);
  }
}

/** Runs on PostgreSQL (`postgresUrl`: a server where it may create and drop a database) and on the embedded one. */
export async function runRecordsBench(redisUrl: string, postgresUrl: string, log: (line: string) => void = console.log): Promise<RecordsBenchResult> {
  const redis = await connectRedis(redisUrl, { commandTimeout: 30_000 });
  const batchSize = 200;
  const runs: RecordsBenchRun[] = [];
  try {
    const bench = await createBenchDatabase(postgresUrl, 'records');
    const db = postgresDatabase(bench.url, pino({ level: 'silent' }));
    try {
      runs.push(await oneRun(redis, db, 'postgres', POSTGRES_CALLS, batchSize));
      log(`records worker → PostgreSQL: ${runs.at(-1)!.factsPerSecond} facts/s (${runs.at(-1)!.callsPerSecond} calls/s)`);
    } finally {
      await db.close();
      await bench.drop();
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-records-'));
    const embedded = await embeddedDatabase(dir);
    try {
      runs.push(await oneRun(redis, embedded, 'embedded', EMBEDDED_CALLS, batchSize));
      log(`records worker → embedded PostgreSQL: ${runs.at(-1)!.factsPerSecond} facts/s (${runs.at(-1)!.callsPerSecond} calls/s)`);
    } finally {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await redis.quit();
  }
  return { batchSize, runs };
}

export function printRecordsResult(result: RecordsBenchResult, log: (line: string) => void = console.log): void {
  log('');
  log(`Records worker (facts waiting in the Redis stream, one worker, batches of ${result.batchSize}, until the stream is empty)`);
  for (const run of result.runs) {
    log(`  ${run.database.padEnd(8)} ${run.factsPerSecond.toLocaleString('en-US')} facts/s = ${run.callsPerSecond.toLocaleString('en-US')} call records/s (${run.facts.toLocaleString('en-US')} facts of ${run.calls.toLocaleString('en-US')} calls in ${run.seconds} s)`);
  }
}

if (require.main === module) {
  runRecordsBench(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', process.env.BENCH_POSTGRES_URL ?? DEFAULT_BENCH_POSTGRES_URL).then(
    (result) => printRecordsResult(result),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

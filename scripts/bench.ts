/**
 * `npm run bench`: the webhook benchmark (scripts/bench/webhooks.ts), the hand-off benchmark
 * (scripts/bench-queue.ts) and the records worker's (scripts/bench/records-worker.ts), against the
 * Redis at REDIS_URL (default redis://127.0.0.1:6379) under their own key prefixes and the
 * PostgreSQL at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) in
 * databases of their own, all deleted afterwards. Prints the figures next to their targets with
 * PASS or MISS, and writes them to bench-results.json (not committed).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printQueueResult, runQueueBench } from './bench-queue';
import { printWebhookResult, type WebhookBenchResult } from './bench/report';
import { printRecordsResult, runRecordsBench, type RecordsBenchResult } from './bench/records-worker';
import { DEFAULT_BENCH_POSTGRES_URL } from './bench/bench-database';
import { runWebhookBenchWithRecords } from './bench/webhooks-with-records';

const RESULTS_FILE = path.join(__dirname, '..', 'bench-results.json');

async function main(): Promise<void> {
  const started = Date.now();
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const postgresUrl = process.env.BENCH_POSTGRES_URL ?? DEFAULT_BENCH_POSTGRES_URL;
  const results: {
    startedAt: string;
    redisUrl: string;
    webhooks?: WebhookBenchResult;
    queue?: Awaited<ReturnType<typeof runQueueBench>>;
    records?: RecordsBenchResult;
    seconds?: number;
    errors: string[];
  } = {
    startedAt: new Date(started).toISOString(),
    redisUrl: redisUrl.replace(/\/\/[^@/]*@/, '//***@'),
    errors: [],
  };
  try {
    results.webhooks = await runWebhookBenchWithRecords(redisUrl, postgresUrl);
  } catch (error) {
    results.errors.push(`webhook bench: ${String(error)}`);
    console.error('webhook bench failed:', error);
  }
  try {
    console.log('');
    console.log('human queue bench: filling the queue…');
    results.queue = await runQueueBench(redisUrl);
  } catch (error) {
    results.errors.push(`queue bench: ${String(error)}`);
    console.error('queue bench failed:', error);
  }
  try {
    console.log('');
    console.log('records worker bench…');
    results.records = await runRecordsBench(redisUrl, postgresUrl);
  } catch (error) {
    results.errors.push(`records bench: ${String(error)}`);
    console.error('records bench failed:', error);
  }
  results.seconds = Math.round((Date.now() - started) / 100) / 10;

  console.log('');
  console.log('================ results ================');
  if (results.webhooks) {
    const m = results.webhooks.machine;
    console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.platform}; node ${m.node}; redis ${m.redis}; load average at start ${m.loadAverageAtStart}`);
    printWebhookResult(results.webhooks);
  }
  if (results.queue) {
    console.log('');
    printQueueResult(results.queue);
  }
  if (results.records) printRecordsResult(results.records);
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  console.log('');
  console.log(`written to ${path.relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE} in ${results.seconds} s`);
  if (results.errors.length > 0) process.exitCode = 1;
}

void main();

/**
 * The webhook benchmark (scripts/bench/webhooks.ts) with the servers' call records in a PostgreSQL
 * database of its own on BENCH_POSTGRES_URL's server (default the local one), dropped afterwards:
 * the record stream and its worker in place, as in production. Alone:
 *
 *   npx tsx scripts/bench/webhooks-with-records.ts
 */
import { createBenchDatabase, DEFAULT_BENCH_POSTGRES_URL } from './bench-database';
import { printWebhookResult, type WebhookBenchResult } from './report';
import { runWebhookBench } from './webhooks';

export async function runWebhookBenchWithRecords(redisUrl: string, postgresUrl: string): Promise<WebhookBenchResult> {
  const database = await createBenchDatabase(postgresUrl, 'webhooks');
  try {
    return await runWebhookBench(redisUrl, console.log, database.url);
  } finally {
    await database.drop();
  }
}

if (require.main === module) {
  runWebhookBenchWithRecords(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', process.env.BENCH_POSTGRES_URL ?? DEFAULT_BENCH_POSTGRES_URL).then(
    (result) => printWebhookResult(result),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

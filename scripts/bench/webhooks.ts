/**
 * Webhook benchmark: the hotline as it runs in production (a separate Node process running
 * `dist/src/main.js`, which `npm run bench` builds first), against Redis at REDIS_URL, default redis://127.0.0.1:6379, under a unique key prefix
 * deleted afterwards, LOG_LEVEL=silent), driven by simulated callers that play Twilio's part:
 * every webhook signed for real (HMAC-SHA1 per request), the next URL taken from the TwiML answer.
 * Each call: dial → 3 (tech support) → 1 (app crashes) → 1 (SMS the steps) → # → # → hang up
 * (status callback); every webhook is one "turn".
 *
 *   npx tsx scripts/bench/webhooks.ts        (or `npm run bench` for this and the queue bench)
 *
 * Figures: (1) turns/s with 50 connections in a closed loop; (2) latency at an offered 2,000
 * turns/s in an open loop (requests go out on a timer whatever the answers do; latency counts
 * from the scheduled time, so a slow server cannot hide its queueing), 10,000 calls round robin;
 * (3) Redis round trips per turn, counted by a proxy between a second server process and Redis
 * while calls run one at a time, and Redis commands per turn from INFO commandstats during (1).
 * Then (1) and (2) again on a Redis Cluster of its own (scripts/bench/webhooks-cluster.ts).
 */
import { randomBytes } from 'node:crypto';
import { connectRedis } from '../../src/store/redis-connection';
import { sanityCall, SCRIPT } from './bench-call';
import { closedLoop, measureClosedLoop } from './closed-loop';
import { machineInfo } from './machine-info';
import { measureOpenLoop, prepareCalls } from './open-loop';
import { commandStats, deletePrefix } from './redis-commands';
import { runClusterWebhookBench, type WebhookLoad } from './webhooks-cluster';
import { judge, printWebhookResult, type WebhookBenchResult } from './report';
import { measureRoundTrips } from './round-trips';
import { startServer, type ServerProcess } from './server-process';

const CLOSED_LOOP_CONNECTIONS = 50;
const CLOSED_LOOP_SECONDS = 10;
const WARM_UP_SECONDS = 2;
const OPEN_LOOP_RATE = 2_000;
const OPEN_LOOP_SECONDS = 10;
const OPEN_LOOP_CALLS = 10_000;
const LOAD: WebhookLoad = {
  connections: CLOSED_LOOP_CONNECTIONS,
  warmUpSeconds: WARM_UP_SECONDS,
  closedLoopSeconds: CLOSED_LOOP_SECONDS,
  openLoopRate: OPEN_LOOP_RATE,
  openLoopSeconds: OPEN_LOOP_SECONDS,
  openLoopCalls: OPEN_LOOP_CALLS,
};

export async function runWebhookBench(
  redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  log: (line: string) => void = console.log,
  databaseUrl?: string,
): Promise<WebhookBenchResult> {
  const redis = await connectRedis(redisUrl, { commandTimeout: 10_000 });
  const prefix = `bench:webhooks:${randomBytes(4).toString('hex')}:`;
  let server: ServerProcess | undefined;
  try {
    const machine = await machineInfo(redis);
    log(`webhook bench — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, redis ${machine.redis}, load average ${machine.loadAverageAtStart}`);
    if (machine.loadAverageAtStart > 0.5) log(`warning: the machine is busy (load average ${machine.loadAverageAtStart} on ${machine.cores} cores): figures will be worse than on a quiet machine`);
    server = await startServer(redisUrl, prefix, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
    await sanityCall(server.baseUrl);
    log(
      `server: dist/src/main.js in its own process (pid ${server.child.pid}), Redis store, call records ${databaseUrl ? 'in PostgreSQL' : 'embedded'} ` +
        `(the record stream and its worker in place), LOG_LEVEL=silent; script per call: dial, ${SCRIPT.join(' ')}, hang up`,
    );

    await closedLoop(server.baseUrl, CLOSED_LOOP_CONNECTIONS, WARM_UP_SECONDS);

    const closed = await measureClosedLoop(server, () => commandStats(redis), CLOSED_LOOP_CONNECTIONS, CLOSED_LOOP_SECONDS);
    log(
      `closed loop: ${closed.turnsPerSecond} turns/s (${closed.turns} turns, ${closed.errors} errors, ${CLOSED_LOOP_CONNECTIONS} connections, ${closed.seconds} s; ` +
        `CPU: server ${closed.serverCpuPercent}%, load generator ${closed.loadGeneratorCpuPercent}%)`,
    );

    const calls = await prepareCalls(server.baseUrl, OPEN_LOOP_CALLS, CLOSED_LOOP_CONNECTIONS);
    const open = await measureOpenLoop(server, calls, OPEN_LOOP_RATE, OPEN_LOOP_SECONDS);
    log(
      `open loop: ${OPEN_LOOP_RATE}/s offered to ${OPEN_LOOP_CALLS} calls for ${OPEN_LOOP_SECONDS} s: p50 ${open.p50Ms} ms, p99 ${open.p99Ms} ms, max ${open.maxMs} ms ` +
        `(${open.completed} answered, ${open.errors} errors, ${open.skippedBusy} skipped busy; server CPU ${open.serverCpuPercent}%)`,
    );

    await server.stop();
    server = undefined;
    const roundTrips = await measureRoundTrips(redisUrl, prefix, databaseUrl);
    log(`round trips: ${roundTrips.roundTripsPerTurn}/turn over ${roundTrips.turns} turns one at a time (${JSON.stringify(roundTrips.commandsPerTurnByName)})`);

    // The Cluster row, in the same run: the same script and load on a Cluster of its own.
    const cluster = await runClusterWebhookBench(LOAD, databaseUrl, log).catch((error: unknown) => {
      log(`cluster bench failed: ${String(error)}`);
      return { error: String(error) };
    });

    return { machine, closedLoop: closed, openLoop: open, roundTrips, verdicts: judge(closed, open, roundTrips), cluster };
  } finally {
    if (server) await server.stop();
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
}

if (require.main === module) {
  runWebhookBench().then(
    (result) => printWebhookResult(result),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpPoster } from '../lib/http-poster';
import { RedisTripCounter } from '../lib/redis-trip-counter';
import { BenchCall, send, STEP_NAMES, STEPS_PER_CALL } from './bench-call';
import { round } from './figures';
import { startServer } from './server-process';

const ROUND_TRIP_CALLS = 200;

/** Figure (3): Redis round trips per turn, counted on the wire. */
export interface RoundTripResult {
  calls: number;
  turns: number;
  roundTripsPerTurn: number;
  commandsPerTurn: number;
  commandsPerTurnByName: Record<string, number>;
  /** Round trips of each webhook of the script (one at a time, background not subtracted). */
  roundTripsByWebhook: Record<string, number>;
  /** The same over the caller's own turns only (dial and key presses; not the status callback). */
  callerTurnRoundTrips: number;
}

/**
 * Calls one at a time through a counting proxy: Redis round trips and commands per webhook. Starts
 * a server of its own, whose Redis is the proxy.
 */
export async function measureRoundTrips(redisUrl: string, prefix: string, databaseUrl?: string): Promise<RoundTripResult> {
  const url = new URL(redisUrl);
  const counter = new RedisTripCounter(url.hostname || '127.0.0.1', Number(url.port || 6379));
  const proxyPort = await counter.start();
  const proxiedUrl = new URL(redisUrl);
  proxiedUrl.hostname = '127.0.0.1';
  proxiedUrl.port = String(proxyPort);
  const server = await startServer(proxiedUrl.toString(), prefix, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  const poster = createHttpPoster({ maxSockets: 1 });
  try {
    const call = new BenchCall(server.baseUrl);
    for (let i = 0; i < 3 * STEPS_PER_CALL; i += 1) await send(poster, call); // warm up
    await sleep(200);
    // Background traffic of the idle server (timers, sweeps), counted over a quiet second.
    counter.reset();
    await sleep(1000);
    const idleTrips = counter.roundTrips;
    const idleCommands = counter.totalCommands;
    counter.reset();
    const started = performance.now();
    let turns = 0;
    const tripsByStep = new Array<number>(STEPS_PER_CALL).fill(0);
    for (let i = 0; i < ROUND_TRIP_CALLS * STEPS_PER_CALL; i += 1) {
      const step = call.step;
      const before = counter.roundTrips;
      if (!(await send(poster, call))) throw new Error('a webhook failed while counting round trips');
      tripsByStep[step]! += counter.roundTrips - before;
      turns += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    const background = (value: number) => Math.max(0, value * seconds);
    const commandsPerTurnByName: Record<string, number> = {};
    for (const [name, count] of [...counter.commands].sort((a, b) => b[1] - a[1])) commandsPerTurnByName[name] = round(count / turns, 3);
    return {
      calls: ROUND_TRIP_CALLS,
      turns,
      roundTripsPerTurn: round((counter.roundTrips - background(idleTrips)) / turns, 3),
      commandsPerTurn: round((counter.totalCommands - background(idleCommands)) / turns, 3),
      commandsPerTurnByName,
      callerTurnRoundTrips: round(tripsByStep.slice(0, -1).reduce((a, b) => a + b, 0) / (ROUND_TRIP_CALLS * (STEPS_PER_CALL - 1)), 3),
      roundTripsByWebhook: Object.fromEntries(STEP_NAMES.map((name, step) => [name, round(tripsByStep[step]! / ROUND_TRIP_CALLS, 2)])),
    };
  } finally {
    poster.close();
    await server.stop();
    await counter.stop();
  }
}

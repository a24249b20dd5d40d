/**
 * Redis round trips per wait-URL request (issue 12): `npm run bench:wait-trips`.
 *
 * The hotline runs as in production (dist/src/main.js, built first) with its Redis behind a
 * counting proxy (scripts/lib/redis-trip-counter.ts). Callers press 0 and wait in tier1, two demo
 * agents are available and one of them holds a caller; then Twilio's part is played: each waiting
 * caller's `<Enqueue waitUrl>` is requested, as at the end of each hold-music loop, and the round
 * trips and commands are counted around each request (mean and median; a sweep of the server's
 * own timers can land inside one):
 *   back to back  one request after another, round robin over the callers: many callers waiting
 *                 on one instance, so the queue's figures are mostly read within the same second;
 *   spaced        one request every 1.2 s: every request finds the queue's figures read too long
 *                 ago (the worst case of a quiet instance).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedis } from '../../src/store/redis-connection';
import { createHttpPoster } from '../lib/http-poster';
import { RedisTripCounter } from '../lib/redis-trip-counter';
import { TwilioCallDriver } from '../lib/twilio-call-driver';
import { queueSidFor, queueWaitFields } from '../lib/twilio-form';
import { AUTH_TOKEN } from './bench-call';
import { percentile, round } from './figures';
import { machineInfo } from './machine-info';
import { deletePrefix } from './redis-commands';
import { startServer } from './server-process';

const CALLERS = 20;
const BACK_TO_BACK_ROUNDS = 10;
const SPACED_REQUESTS = 12;
const SPACING_MS = 1200;

interface Counted {
  requests: number;
  roundTripsPerRequest: number;
  medianRoundTrips: number;
  commandsPerRequest: number;
  commandsByName: Record<string, number>;
}

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = await connectRedis(redisUrl, { commandTimeout: 10_000 });
  const prefix = `bench:wait-trips:${randomBytes(4).toString('hex')}:`;
  const url = new URL(redisUrl);
  const counter = new RedisTripCounter(url.hostname || '127.0.0.1', Number(url.port || 6379));
  const proxied = new URL(redisUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(await counter.start());
  // Open all day, so the run does not depend on the hour it is started at.
  const server = await startServer(proxied.toString(), prefix, { BUSINESS_HOURS: 'mon-sun 00:00-24:00' });
  const poster = createHttpPoster({ maxSockets: 1 });
  try {
    const machine = await machineInfo(redis);
    const agent = async (token: string, method: 'PUT' | 'POST', path: string, body?: unknown) => {
      const response = await fetch(`${server.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}`);
    };
    const callers: TwilioCallDriver[] = [];
    for (let i = 0; i < CALLERS + 1; i += 1) {
      const call = new TwilioCallDriver((u, form, signature) => poster.post(u, form, signature), {
        baseUrl: server.baseUrl,
        authToken: AUTH_TOKEN,
        from: `+86139${String(10_000_000 + i)}`,
      });
      await call.dial();
      await call.press('0');
      if (!call.verbs.some((verb) => verb.verb === 'Enqueue')) throw new Error(`caller ${i} was not queued: ${call.heard.join(' | ')}`);
      callers.push(call);
    }
    // Two agents on duty, one of them busy with the first caller: the estimate has agents to count.
    for (const token of ['alice-demo-token', 'bob-demo-token']) await agent(token, 'PUT', '/agent/availability', { available: true });
    await agent('alice-demo-token', 'POST', '/agent/claims');
    const waiting = callers.slice(1);
    const waitOnce = async (call: TwilioCallDriver, position: number) => {
      await call.send(`${server.baseUrl}/voice/queue/wait`, queueWaitFields({ queueSid: queueSidFor(call.callSid), position, queueTimeSeconds: 30, size: CALLERS }));
      if (call.status !== 200 || !call.heard.length) throw new Error(`the wait URL answered ${call.status}: ${call.heard.join(' | ')}`);
    };
    for (const [i, call] of waiting.entries()) await waitOnce(call, i + 1); // warm up

    // Counted around each request alone: the server's own timers (the sweeper) between requests
    // are not the wait URL's; the median keeps a sweep that lands during a request out.
    const measure = async (requests: number, gapMs: number): Promise<Counted> => {
      const trips: number[] = [];
      const commands: number[] = [];
      const byName = new Map<string, number>();
      for (let i = 0; i < requests; i += 1) {
        if (gapMs > 0) await sleep(gapMs);
        counter.reset();
        await waitOnce(waiting[i % waiting.length]!, (i % waiting.length) + 1);
        trips.push(counter.roundTrips);
        commands.push(counter.totalCommands);
        for (const [name, count] of counter.commands) byName.set(name, (byName.get(name) ?? 0) + count);
      }
      const commandsByName: Record<string, number> = {};
      for (const [name, count] of [...byName].sort((a, b) => b[1] - a[1])) commandsByName[name] = round(count / requests, 2);
      const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
      return {
        requests,
        roundTripsPerRequest: round(trips.reduce((a, b) => a + b, 0) / requests, 2),
        medianRoundTrips: percentile(sorted(trips), 50),
        commandsPerRequest: round(commands.reduce((a, b) => a + b, 0) / requests, 2),
        commandsByName,
      };
    };
    const backToBack = await measure(BACK_TO_BACK_ROUNDS * waiting.length, 0);
    const spaced = await measure(SPACED_REQUESTS, SPACING_MS);
    const report = { callersWaiting: waiting.length, backToBack, spaced, machine };
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    const line = (name: string, c: Counted) =>
      `${name.padEnd(13)} ${String(c.roundTripsPerRequest).padStart(5)} round trips (median ${c.medianRoundTrips}), ${String(c.commandsPerRequest).padStart(5)} commands per request (${c.requests} requests): ${Object.entries(c.commandsByName).map(([n, v]) => `${n} ${v}`).join(', ')}`;
    console.log(`wait URL, ${waiting.length} callers waiting in tier1, 2 agents on duty (1 busy); counted around each request`);
    console.log(line('back to back', backToBack));
    console.log(line('spaced 1.2 s', spaced));
    console.log(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, redis ${machine.redis}, load ${machine.loadAverageAtStart}`);
  } finally {
    poster.close();
    await server.stop();
    await counter.stop();
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Webhook benchmark: the hotline as it runs in production (a separate Node process running
 * `dist/src/main.js`, which `npm run bench` builds first), against Redis at REDIS_URL, default redis://127.0.0.1:6379, under a unique key prefix
 * deleted afterwards, LOG_LEVEL=silent), driven by simulated callers that play Twilio's part:
 * every webhook signed for real (HMAC-SHA1 per request), the next URL taken from the TwiML answer.
 * Each call: dial → 3 (tech support) → 1 (app crashes) → 1 (SMS the steps) → # → # → hang up
 * (status callback); every webhook is one "turn".
 *
 *   npx tsx scripts/bench-webhooks.ts        (or `npm run bench` for this and the queue bench)
 *
 * Figures: (1) turns/s with 50 connections in a closed loop; (2) latency at an offered 2,000
 * turns/s in an open loop (requests go out on a timer whatever the answers do; latency counts
 * from the scheduled time, so a slow server cannot hide its queueing), 10,000 calls round robin;
 * (3) Redis round trips per turn, counted by a proxy between a second server process and Redis
 * while calls run one at a time, and Redis commands per turn from INFO commandstats during (1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import twilio from 'twilio';
import { connectRedis } from '../src/store/redis-connection';
import { createHttpPoster, type HttpPoster } from './lib/http-poster';
import { RedisTripCounter } from './lib/redis-trip-counter';
import { TwilioCallDriver } from './lib/twilio-call-driver';

const ROOT = path.join(__dirname, '..');
const AUTH_TOKEN = `bench-${randomBytes(8).toString('hex')}`;
const CLOSED_LOOP_CONNECTIONS = 50;
const CLOSED_LOOP_SECONDS = 10;
const WARM_UP_SECONDS = 2;
const OPEN_LOOP_RATE = 2_000;
const OPEN_LOOP_SECONDS = 10;
const OPEN_LOOP_CALLS = 10_000;
const OPEN_LOOP_SOCKETS = 256;
const ROUND_TRIP_CALLS = 200;

export const TARGETS = { turnsPerSecond: 5_000, p99Ms: 20, roundTripsPerTurn: 2 } as const;

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  redis: string;
  platform: string;
  /** 1-minute load average when the bench started: other work on the machine skews every figure. */
  loadAverageAtStart: number;
}

export interface WebhookBenchResult {
  machine: Machine;
  closedLoop: {
    connections: number;
    seconds: number;
    turns: number;
    errors: number;
    turnsPerSecond: number;
    calls: number;
    serverCpuPercent: number;
    loadGeneratorCpuPercent: number;
    redisCommandsPerTurn: number;
    redisCommandBreakdownPerTurn: Record<string, number>;
  };
  openLoop: {
    offeredPerSecond: number;
    seconds: number;
    calls: number;
    sent: number;
    completed: number;
    errors: number;
    skippedBusy: number;
    achievedPerSecond: number;
    p50Ms: number;
    p90Ms: number;
    p99Ms: number;
    maxMs: number;
    serverCpuPercent: number;
    /** Diagnostics: how late the generator sent (p99), and send-to-answer times. */
    sendLagP99Ms: number;
    serviceP50Ms: number;
    serviceP99Ms: number;
  };
  roundTrips: {
    calls: number;
    turns: number;
    roundTripsPerTurn: number;
    commandsPerTurn: number;
    commandsPerTurnByName: Record<string, number>;
    /** Round trips of each webhook of the script (one at a time, background not subtracted). */
    roundTripsByWebhook: Record<string, number>;
    /** The same over the caller's own turns only (dial and key presses; not the status callback). */
    callerTurnRoundTrips: number;
  };
  verdicts: { throughput: Verdict; p99: Verdict; roundTrips: Verdict };
}

export interface Verdict {
  figure: number;
  target: string;
  pass: boolean;
}

// ---------------------------------------------------------------------------------------------
// One simulated call, as Twilio would place it.

const CALL_FIELDS = {
  AccountSid: 'AC00000000000000000000000000000000',
  ApiVersion: '2010-04-01',
  Direction: 'inbound',
  FromCountry: 'CN',
  To: '+8640000000000',
  Called: '+8640000000000',
};

/** The keys each call presses after dialling; then it hangs up. */
const SCRIPT = ['3', '1', '1', '#', '#'] as const;
const STEPS_PER_CALL = SCRIPT.length + 2;
const STEP_NAMES = ['incoming', ...SCRIPT.map((key, i) => `gather ${key}${i === 2 ? ' (SMS)' : ''}`), 'status completed'];

const GATHER_ACTION = /<Gather\b[^>]*\baction="([^"]+)"/;

function unescapeXml(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

interface Request {
  url: string;
  fields: Record<string, string>;
  signature: string;
}

/**
 * A call walking the script. `next()` builds the next signed webhook; `accept()` checks the answer
 * and takes the next URL from its TwiML. After the status callback it redials with a new CallSid.
 */
class BenchCall {
  step = 0;
  callSid = '';
  from = '';
  actionUrl = '';
  busy = false;
  calls = 0;

  constructor(private readonly baseUrl: string) {
    this.newCall();
  }

  private newCall(): void {
    this.step = 0;
    this.callSid = `CA${randomBytes(16).toString('hex')}`;
    // Many callers, many numbers: nothing per-number (rate limits, repeat-caller history) piles up.
    this.from = `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    this.calls += 1;
  }

  next(): Request {
    const fields: Record<string, string> = { ...CALL_FIELDS, CallSid: this.callSid, From: this.from, Caller: this.from };
    let url: string;
    if (this.step === 0) {
      url = `${this.baseUrl}/voice/incoming`;
      fields.CallStatus = 'ringing';
    } else if (this.step <= SCRIPT.length) {
      url = this.actionUrl;
      fields.CallStatus = 'in-progress';
      fields.Digits = SCRIPT[this.step - 1]!;
    } else {
      url = `${this.baseUrl}/voice/status`;
      fields.CallStatus = 'completed';
      fields.CallDuration = '42';
    }
    return { url, fields, signature: twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, fields) };
  }

  /** False when the answer is not what Twilio needs to go on (the call is then restarted). */
  accept(status: number, body: string): boolean {
    if (this.step > SCRIPT.length) {
      this.newCall();
      return status === 204 || status === 200;
    }
    const action = status === 200 ? GATHER_ACTION.exec(body)?.[1] : undefined;
    if (!action) {
      this.newCall();
      return false;
    }
    this.actionUrl = unescapeXml(action);
    this.step += 1;
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// The server under test, in its own process.

interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startServer(redisUrl: string, prefix: string): Promise<ServerProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: baseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      TWILIO_MODE: 'simulate',
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const poster = createHttpPoster({ maxSockets: 1, timeoutMs: 1000 });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the hotline exited (${child.exitCode}) while starting:\n${output}`);
      try {
        const ready = await poster.get(`${baseUrl}/readyz`);
        if (ready.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the hotline did not become ready within 30 s:\n${output}`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    poster.close();
  }
  return { child, baseUrl, output: () => output, stop };
}

/** CPU seconds (user + system) a process used so far, from /proc (Linux); NaN elsewhere. */
function processCpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// Load.

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function send(poster: HttpPoster, call: BenchCall): Promise<boolean> {
  const request = call.next();
  try {
    const answer = await poster.post(request.url, request.fields, request.signature);
    return call.accept(answer.status, answer.body);
  } catch {
    call.accept(0, '');
    return false;
  }
}

/** `connections` callers back to back for `seconds`: as many turns as the server will take. */
async function closedLoop(baseUrl: string, connections: number, seconds: number) {
  const poster = createHttpPoster({ maxSockets: connections });
  const calls = Array.from({ length: connections }, () => new BenchCall(baseUrl));
  let turns = 0;
  let errors = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    calls.map(async (call) => {
      while (performance.now() < until) {
        if (await send(poster, call)) turns += 1;
        else errors += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  poster.close();
  return { turns, errors, elapsed, calls: calls.reduce((sum, call) => sum + call.calls, 0) };
}

/** Brings `count` calls to staggered points of their script, so the open loop sees every kind of turn. */
async function prepareCalls(baseUrl: string, count: number): Promise<BenchCall[]> {
  const poster = createHttpPoster({ maxSockets: CLOSED_LOOP_CONNECTIONS });
  const calls = Array.from({ length: count }, () => new BenchCall(baseUrl));
  let index = 0;
  await Promise.all(
    Array.from({ length: CLOSED_LOOP_CONNECTIONS }, async () => {
      while (index < calls.length) {
        const call = calls[index]!;
        const turns = 1 + (index % (STEPS_PER_CALL - 1));
        index += 1;
        for (let t = 0; t < turns; t += 1) await send(poster, call);
      }
    }),
  );
  poster.close();
  return calls;
}

/**
 * Open loop: request i is due at start + i / rate, whatever happened to the others; its latency is
 * measured from when it was due. Calls take turns round robin.
 */
async function openLoop(calls: BenchCall[], rate: number, seconds: number) {
  const poster = createHttpPoster({ maxSockets: OPEN_LOOP_SOCKETS });
  const total = rate * seconds;
  const latencies = new Float64Array(total);
  /** From when a request was due to when it went out: the load generator's own lag. */
  const sendLag = new Float64Array(total).fill(NaN);
  /** From when it went out to its answer. */
  const service = new Float64Array(total).fill(NaN);
  let sent = 0;
  let completed = 0;
  let errors = 0;
  let skippedBusy = 0;
  let next = 0;
  const start = performance.now() + 10;
  const inFlight = new Set<Promise<void>>();

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
      while (next < due) {
        const index = next;
        next += 1;
        const dueAt = start + (index * 1000) / rate;
        const call = calls[index % calls.length]!;
        if (call.busy) {
          // Its previous turn (5 s ago) has not been answered: a real caller could not press yet.
          skippedBusy += 1;
          latencies[index] = NaN;
          continue;
        }
        call.busy = true;
        sent += 1;
        const request = call.next();
        const sentAt = performance.now();
        sendLag[index] = sentAt - dueAt;
        const promise = poster
          .post(request.url, request.fields, request.signature)
          .then(
            (answer) => call.accept(answer.status, answer.body),
            () => call.accept(0, ''),
          )
          .then((ok) => {
            const answeredAt = performance.now();
            latencies[index] = answeredAt - dueAt;
            service[index] = answeredAt - sentAt;
            if (ok) completed += 1;
            else errors += 1;
            call.busy = false;
            inFlight.delete(promise);
          });
        inFlight.add(promise);
      }
      if (next >= total) resolve();
      else setTimeout(tick, 1);
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  poster.close();
  const sorted = (values: Float64Array) => Array.from(values).filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  const measured = sorted(latencies);
  if (process.env.BENCH_DEBUG) {
    for (let second = 0; second < seconds; second += 1) {
      const slice = sorted(latencies.subarray(second * rate, (second + 1) * rate));
      const serviceSlice = sorted(service.subarray(second * rate, (second + 1) * rate));
      console.log(`  second ${second}: p50 ${percentile(slice, 50).toFixed(1)} p99 ${percentile(slice, 99).toFixed(1)} max ${slice[slice.length - 1]?.toFixed(1)}; service p99 ${percentile(serviceSlice, 99).toFixed(1)}`);
    }
  }
  const lag = sorted(sendLag);
  const serviceTimes = sorted(service);
  return {
    sent,
    completed,
    errors,
    skippedBusy,
    elapsed,
    p50Ms: percentile(measured, 50),
    p90Ms: percentile(measured, 90),
    p99Ms: percentile(measured, 99),
    maxMs: measured[measured.length - 1] ?? NaN,
    sendLagP99Ms: percentile(lag, 99),
    serviceP50Ms: percentile(serviceTimes, 50),
    serviceP99Ms: percentile(serviceTimes, 99),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------------------------------------
// Redis accounting.

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const stats = new Map<string, number>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match) stats.set(match[1]!, Number(match[2]));
  }
  return stats;
}

function statsDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [name, calls] of after) {
    const change = calls - (before.get(name) ?? 0);
    if (change > 0) delta.set(name, change);
  }
  return delta;
}

/** Redis commands of others (and our own INFO) over a quiet period, to subtract from a measurement. */
async function idleCommandRate(redis: Redis, ms: number): Promise<Map<string, number>> {
  const before = await commandStats(redis);
  await sleep(ms);
  const delta = statsDelta(before, await commandStats(redis));
  const perSecond = new Map<string, number>();
  for (const [name, calls] of delta) perSecond.set(name, (calls * 1000) / ms);
  return perSecond;
}

/** Calls one at a time through a counting proxy: Redis round trips and commands per webhook. */
async function measureRoundTrips(redisUrl: string, prefix: string) {
  const url = new URL(redisUrl);
  const counter = new RedisTripCounter(url.hostname || '127.0.0.1', Number(url.port || 6379));
  const proxyPort = await counter.start();
  const proxiedUrl = new URL(redisUrl);
  proxiedUrl.hostname = '127.0.0.1';
  proxiedUrl.port = String(proxyPort);
  const server = await startServer(proxiedUrl.toString(), prefix);
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

async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export async function machineInfo(redis: Redis): Promise<Machine> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    redis: /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown',
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: round(os.loadavg()[0] ?? 0, 2),
  };
}

/** Checks the script against the real prompts once, with the full TwiML reader, before timing it. */
async function sanityCall(baseUrl: string): Promise<void> {
  const poster = createHttpPoster({ maxSockets: 1 });
  try {
    const driver = new TwilioCallDriver(poster.post, { baseUrl, authToken: AUTH_TOKEN, from: '+8613912345678' });
    await driver.dial();
    for (const key of SCRIPT) {
      await driver.press(key);
      if (!driver.gather) throw new Error(`after ${key}: no Gather; heard ${driver.heard.join(' | ')}`);
    }
    if ((await driver.hangUp()) >= 300) throw new Error('the status callback was refused');
    const outbox = JSON.parse((await poster.get(`${baseUrl}/dev/outbox`)).body) as Array<{ kind: string; callSid?: string }>;
    if (!outbox.some((entry) => entry.kind === 'sms' && entry.callSid === driver.callSid)) {
      throw new Error('the script did not send the tech-support SMS: the benchmark would not measure what it says');
    }
  } finally {
    poster.close();
  }
}

export async function runWebhookBench(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', log: (line: string) => void = console.log): Promise<WebhookBenchResult> {
  const redis = await connectRedis(redisUrl, { commandTimeout: 10_000 });
  const prefix = `bench:webhooks:${randomBytes(4).toString('hex')}:`;
  let server: ServerProcess | undefined;
  try {
    const machine = await machineInfo(redis);
    log(`webhook bench — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, redis ${machine.redis}, load average ${machine.loadAverageAtStart}`);
    if (machine.loadAverageAtStart > 0.5) log(`warning: the machine is busy (load average ${machine.loadAverageAtStart} on ${machine.cores} cores): figures will be worse than on a quiet machine`);
    server = await startServer(redisUrl, prefix);
    await sanityCall(server.baseUrl);
    log(`server: dist/src/main.js in its own process (pid ${server.child.pid}), Redis store, LOG_LEVEL=silent; script per call: dial, ${SCRIPT.join(' ')}, hang up`);

    await closedLoop(server.baseUrl, CLOSED_LOOP_CONNECTIONS, WARM_UP_SECONDS);

    const idle = await idleCommandRate(redis, 1000);
    const statsBefore = await commandStats(redis);
    const serverCpuBefore = processCpuSeconds(server.child.pid);
    const ownCpuBefore = ownCpuSeconds();
    const closed = await closedLoop(server.baseUrl, CLOSED_LOOP_CONNECTIONS, CLOSED_LOOP_SECONDS);
    const serverCpu = processCpuSeconds(server.child.pid) - serverCpuBefore;
    const ownCpu = ownCpuSeconds() - ownCpuBefore;
    const delta = statsDelta(statsBefore, await commandStats(redis));
    const breakdown: Record<string, number> = {};
    let commands = 0;
    for (const [name, calls] of [...delta].sort((a, b) => b[1] - a[1])) {
      const own = Math.max(0, calls - (idle.get(name) ?? 0) * closed.elapsed - (name === 'info' ? 1 : 0));
      if (own / closed.turns < 0.001) continue;
      breakdown[name] = round(own / closed.turns, 3);
      commands += own;
    }
    const closedLoopResult = {
      connections: CLOSED_LOOP_CONNECTIONS,
      seconds: round(closed.elapsed, 2),
      turns: closed.turns,
      errors: closed.errors,
      turnsPerSecond: Math.round(closed.turns / closed.elapsed),
      calls: closed.calls,
      serverCpuPercent: Math.round((serverCpu / closed.elapsed) * 100),
      loadGeneratorCpuPercent: Math.round((ownCpu / closed.elapsed) * 100),
      redisCommandsPerTurn: round(commands / closed.turns, 3),
      redisCommandBreakdownPerTurn: breakdown,
    };
    log(
      `closed loop: ${closedLoopResult.turnsPerSecond} turns/s (${closed.turns} turns, ${closed.errors} errors, ${CLOSED_LOOP_CONNECTIONS} connections, ${closedLoopResult.seconds} s; ` +
        `CPU: server ${closedLoopResult.serverCpuPercent}%, load generator ${closedLoopResult.loadGeneratorCpuPercent}%)`,
    );

    const calls = await prepareCalls(server.baseUrl, OPEN_LOOP_CALLS);
    const openCpuBefore = processCpuSeconds(server.child.pid);
    const open = await openLoop(calls, OPEN_LOOP_RATE, OPEN_LOOP_SECONDS);
    const openCpu = processCpuSeconds(server.child.pid) - openCpuBefore;
    const openLoopResult = {
      offeredPerSecond: OPEN_LOOP_RATE,
      seconds: round(open.elapsed, 2),
      calls: OPEN_LOOP_CALLS,
      sent: open.sent,
      completed: open.completed,
      errors: open.errors,
      skippedBusy: open.skippedBusy,
      achievedPerSecond: Math.round(open.completed / open.elapsed),
      p50Ms: round(open.p50Ms, 2),
      p90Ms: round(open.p90Ms, 2),
      p99Ms: round(open.p99Ms, 2),
      maxMs: round(open.maxMs, 2),
      serverCpuPercent: Math.round((openCpu / open.elapsed) * 100),
      sendLagP99Ms: round(open.sendLagP99Ms, 2),
      serviceP50Ms: round(open.serviceP50Ms, 2),
      serviceP99Ms: round(open.serviceP99Ms, 2),
    };
    log(
      `open loop: ${OPEN_LOOP_RATE}/s offered to ${OPEN_LOOP_CALLS} calls for ${OPEN_LOOP_SECONDS} s: p50 ${openLoopResult.p50Ms} ms, p99 ${openLoopResult.p99Ms} ms, max ${openLoopResult.maxMs} ms ` +
        `(${open.completed} answered, ${open.errors} errors, ${open.skippedBusy} skipped busy; server CPU ${openLoopResult.serverCpuPercent}%)`,
    );

    await server.stop();
    server = undefined;
    const roundTrips = await measureRoundTrips(redisUrl, prefix);
    log(`round trips: ${roundTrips.roundTripsPerTurn}/turn over ${roundTrips.turns} turns one at a time (${JSON.stringify(roundTrips.commandsPerTurnByName)})`);

    const verdicts = {
      throughput: { figure: closedLoopResult.turnsPerSecond, target: `>= ${TARGETS.turnsPerSecond} turns/s`, pass: closedLoopResult.turnsPerSecond >= TARGETS.turnsPerSecond },
      p99: {
        figure: openLoopResult.p99Ms,
        target: `< ${TARGETS.p99Ms} ms at ${OPEN_LOOP_RATE}/s`,
        pass: openLoopResult.p99Ms < TARGETS.p99Ms && open.errors === 0 && open.skippedBusy === 0,
      },
      roundTrips: { figure: roundTrips.roundTripsPerTurn, target: `<= ${TARGETS.roundTripsPerTurn} per turn`, pass: roundTrips.roundTripsPerTurn <= TARGETS.roundTripsPerTurn },
    };
    return { machine, closedLoop: closedLoopResult, openLoop: openLoopResult, roundTrips, verdicts };
  } finally {
    if (server) await server.stop();
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
}

export function printWebhookResult(result: WebhookBenchResult, log: (line: string) => void = console.log): void {
  const { closedLoop: c, openLoop: o, roundTrips: r, verdicts: v } = result;
  const mark = (verdict: Verdict) => (verdict.pass ? 'PASS' : 'MISS');
  log('');
  log('Webhook turns (signed Twilio webhooks against the real server and Redis)');
  log(`  (1) throughput, ${c.connections} connections, closed loop ${c.seconds} s : ${c.turnsPerSecond} turns/s   target ${v.throughput.target}   ${mark(v.throughput)}`);
  log(`      ${c.turns} turns in ${c.calls} calls, ${c.errors} errors; CPU server ${c.serverCpuPercent}%, load generator ${c.loadGeneratorCpuPercent}%`);
  log(`  (2) latency at ${o.offeredPerSecond}/s offered, open loop ${o.seconds} s, ${o.calls} calls: p50 ${o.p50Ms} ms  p90 ${o.p90Ms} ms  p99 ${o.p99Ms} ms  max ${o.maxMs} ms   target p99 ${v.p99.target}   ${mark(v.p99)}`);
  log(`      ${o.completed} answered (${o.achievedPerSecond}/s), ${o.errors} errors, ${o.skippedBusy} turns skipped (previous turn still unanswered); server CPU ${o.serverCpuPercent}%`);
  log(`      diagnostics: generator send lag p99 ${o.sendLagP99Ms} ms; send→answer p50 ${o.serviceP50Ms} ms, p99 ${o.serviceP99Ms} ms`);
  log(`  (3) Redis round trips per turn (counting proxy, ${r.turns} turns one at a time): ${r.roundTripsPerTurn}   target ${v.roundTrips.target}   ${mark(v.roundTrips)}`);
  log(`      caller turns only (dial, keys; no status callback): ${r.callerTurnRoundTrips}; by webhook: ${Object.entries(r.roundTripsByWebhook).map(([name, n]) => `${name} ${n}`).join(', ')}`);
  log(`      commands sent per turn: ${r.commandsPerTurn} — ${Object.entries(r.commandsPerTurnByName).map(([name, n]) => `${name} ${n}`).join(', ')}`);
  log(`      INFO commandstats during (1), idle baseline subtracted, commands run inside scripts included: ${c.redisCommandsPerTurn}/turn — ${Object.entries(c.redisCommandBreakdownPerTurn).map(([name, n]) => `${name} ${n}`).join(', ')}`);
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

import { createHttpPoster } from '../lib/http-poster';
import { BenchCall, send, STEPS_PER_CALL } from './bench-call';
import { processCpuSeconds } from './cpu-time';
import { percentile, round } from './figures';
import type { ServerProcess } from './server-process';

const OPEN_LOOP_SOCKETS = 256;

/** Figure (2): latency at an offered rate, counted from when each request was due. */
export interface OpenLoopResult {
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
}

/** Brings `count` calls to staggered points of their script, so the open loop sees every kind of turn. */
export async function prepareCalls(baseUrl: string, count: number, connections: number): Promise<BenchCall[]> {
  const poster = createHttpPoster({ maxSockets: connections });
  const calls = Array.from({ length: count }, () => new BenchCall(baseUrl));
  let index = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
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
          .post(request.url, request.form, request.signature)
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


/** The open loop over `calls`, with the server's CPU, as reported. */
export async function measureOpenLoop(server: ServerProcess, calls: BenchCall[], rate: number, seconds: number): Promise<OpenLoopResult> {
  const cpuBefore = processCpuSeconds(server.child.pid);
  const open = await openLoop(calls, rate, seconds);
  const cpu = processCpuSeconds(server.child.pid) - cpuBefore;
  return {
    offeredPerSecond: rate,
    seconds: round(open.elapsed, 2),
    calls: calls.length,
    sent: open.sent,
    completed: open.completed,
    errors: open.errors,
    skippedBusy: open.skippedBusy,
    achievedPerSecond: Math.round(open.completed / open.elapsed),
    p50Ms: round(open.p50Ms, 2),
    p90Ms: round(open.p90Ms, 2),
    p99Ms: round(open.p99Ms, 2),
    maxMs: round(open.maxMs, 2),
    serverCpuPercent: Math.round((cpu / open.elapsed) * 100),
    sendLagP99Ms: round(open.sendLagP99Ms, 2),
    serviceP50Ms: round(open.serviceP50Ms, 2),
    serviceP99Ms: round(open.serviceP99Ms, 2),
  };
}

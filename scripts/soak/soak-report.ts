import { AFTER_WINDOW_MS, type Disruption } from './disruptions';
import type { MemorySample } from './redis-memory';
import type { SoakOptions } from './soak-options';
import type { SoakStats, WindowFigures } from './soak-stats';

export interface SoakMachine {
  cpu: string;
  cores: number;
  node: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
}

/** What `npm run soak` prints last, also as one JSON line (`SOAK RESULT {…}`) for scripts and the test. */
export interface SoakResult {
  options: SoakOptions;
  machine: SoakMachine;
  seconds: number;
  calls: { started: number; completed: number; toAgent: number; served: number; failed: Record<string, number>; failureExamples: string[]; unfinished: number };
  webhooks: { total: number; not200: number; notOkByStatus: Record<string, number>; apologies: number; restarts: number; statusCallbacksRetried: number; statusCallbacksRefused: number };
  latencyByMinute: Array<{ minute: number; webhooks: number; p50: number; p99: number; max: number }>;
  memory: { baselineBytes: number; atSecond: number; activeCalls: number; callsStarted: number; deltaBytes: number; bytesPerActiveCall: number; bytesPerCallStarted: number } | null;
  /** An instance killed during the run has no figure (null). */
  cpuPercent: { instances: Array<number | null>; loadGenerator: number };
  /** The load generator's event-loop delay: how late it was itself to send and to read answers. */
  generatorLagMs: { p50: number; p99: number; max: number };
  agentApi: Record<string, number>;
  disruptions: Array<Disruption & { returnedAfterSeconds: number | null; untilReturned: WindowFigures; after30s: WindowFigures }>;
}

export function soakResult(parts: {
  options: SoakOptions;
  machine: SoakMachine;
  stats: SoakStats;
  seconds: number;
  unfinished: number;
  baselineBytes: number | undefined;
  samples: MemorySample[];
  cpuPercent: SoakResult['cpuPercent'];
  generatorLagMs: SoakResult['generatorLagMs'];
  disruptions: Disruption[];
}): SoakResult {
  const { stats } = parts;
  // The last reading while (nearly) all the calls were in progress: the longest the run had been going at full load.
  const mostActive = Math.max(0, ...parts.samples.map((sample) => sample.activeCalls));
  const peak = parts.samples.filter((sample) => sample.activeCalls >= 0.9 * mostActive).at(-1);
  const memory =
    peak && parts.baselineBytes !== undefined && peak.activeCalls > 0
      ? {
          baselineBytes: parts.baselineBytes,
          atSecond: Math.round(peak.at / 1000),
          activeCalls: peak.activeCalls,
          callsStarted: peak.callsStarted,
          deltaBytes: peak.usedBytes - parts.baselineBytes,
          bytesPerActiveCall: Math.round((peak.usedBytes - parts.baselineBytes) / peak.activeCalls),
          bytesPerCallStarted: Math.round((peak.usedBytes - parts.baselineBytes) / Math.max(1, peak.callsStarted)),
        }
      : null;
  return {
    options: parts.options,
    machine: parts.machine,
    seconds: parts.seconds,
    calls: {
      started: stats.callsStarted,
      completed: stats.callsCompleted,
      toAgent: stats.callsToAgent,
      served: stats.callsServed,
      failed: { ...stats.failures },
      failureExamples: stats.failureExamples,
      unfinished: parts.unfinished,
    },
    webhooks: {
      total: stats.webhooks,
      not200: stats.not200,
      notOkByStatus: stats.notOkByStatus,
      apologies: stats.apologies,
      restarts: stats.restarts,
      statusCallbacksRetried: stats.statusRetried,
      statusCallbacksRefused: stats.statusRefused,
    },
    latencyByMinute: stats.latencyByMinute(),
    memory,
    cpuPercent: parts.cpuPercent,
    generatorLagMs: parts.generatorLagMs,
    agentApi: stats.agentApi,
    disruptions: parts.disruptions.map((disruption) => ({
      ...disruption,
      returnedAfterSeconds: disruption.returnedAt === undefined ? null : (disruption.returnedAt - disruption.at) / 1000,
      untilReturned: stats.window(disruption.at, disruption.returnedAt ?? disruption.at + AFTER_WINDOW_MS),
      after30s: stats.window(disruption.at, disruption.at + AFTER_WINDOW_MS),
    })),
  };
}

const percent = (part: number, whole: number) => (whole === 0 ? '0 %' : `${((100 * part) / whole).toFixed(2)} %`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function windowLine(figures: WindowFigures): string {
  return `${figures.webhooks} webhooks, ${figures.not200} not 200, ${figures.apologies} apologies (${percent(figures.apologies, figures.webhooks)}), ${figures.restarts} restarts`;
}

export function printSoakResult(result: SoakResult, log: (line: string) => void = console.log): void {
  const { options: o, machine: m, calls: c, webhooks: w } = result;
  log('');
  log('================ soak ================');
  log(`machine: ${m.cpu}, ${m.cores} cores, node ${m.node}; load average ${m.loadAverageAtStart.join(' ')} at start, ${m.loadAverageAtEnd.join(' ')} at the end`);
  log(
    `run: ${o.instances} instances, ${o.calls} calls at once for ${o.minutes} min (${result.seconds} s with the drain), Redis ${o.redis}, ` +
      `a turn every ${o.turnSeconds} s on average, ${o.agentShare * 100} % of calls to an agent, ${o.agents} agents`,
  );
  const failed = Object.entries(c.failed);
  log(
    `calls: ${c.started} started, ${c.completed} completed (${c.served} of ${c.toAgent} that asked for an agent served), ` +
      `${failed.reduce((sum, [, n]) => sum + n, 0)} failed${failed.length ? ` (${failed.map(([why, n]) => `${why} ${n}`).join(', ')})` : ''}, ${c.unfinished} unfinished`,
  );
  for (const example of c.failureExamples) log(`  e.g. at ${example.slice(0, 300)}`);
  const byStatus = Object.entries(w.notOkByStatus);
  log(
    `webhooks: ${w.total}, not 200 TwiML: ${w.not200}${byStatus.length ? ` (${byStatus.map(([status, n]) => `${status} ${n}`).join(', ')})` : ''}, ` +
      `apologies ${w.apologies} (${percent(w.apologies, w.total)}), restarts ${w.restarts}; status callbacks tried again ${w.statusCallbacksRetried}, never taken ${w.statusCallbacksRefused}`,
  );
  log('latency per minute (from the webhook sent to its answer, ms):');
  for (const row of result.latencyByMinute) log(`  minute ${row.minute + 1}: ${row.webhooks} webhooks (${Math.round(row.webhooks / 60)}/s), p50 ${row.p50}, p99 ${row.p99}, max ${row.max}`);
  if (result.memory) {
    const memory = result.memory;
    log(
      `Redis memory: ${mib(memory.baselineBytes)} before the calls; +${mib(memory.deltaBytes)} at ${memory.atSecond} s with ${memory.activeCalls} calls in progress = ` +
        `${memory.bytesPerActiveCall} bytes per active call; ${memory.callsStarted} calls started by then = ${memory.bytesPerCallStarted} bytes per call ` +
        `(an ended call's session stays SESSION_TTL_SECONDS for late webhooks)`,
    );
  } else log('Redis memory: no reading');
  log(`CPU over the run: instances ${result.cpuPercent.instances.map((p) => (p === null ? 'killed' : `${p} %`)).join(', ')}; load generator ${result.cpuPercent.loadGenerator} % (its event-loop delay p50 ${result.generatorLagMs.p50} ms, p99 ${result.generatorLagMs.p99} ms, max ${result.generatorLagMs.max} ms)`);
  log(`agent API: ${Object.entries(result.agentApi).map(([what, n]) => `${what} ${n}`).join(', ') || 'none'}`);
  for (const d of result.disruptions) {
    const returned = d.returnedAfterSeconds === null ? 'service did NOT return within 120 s' : `a whole new call worked again ${d.returnedAfterSeconds.toFixed(2)} s after`;
    log(`at ${(d.at / 1000).toFixed(1)} s: ${d.what}: ${returned}`);
    log(`  until then: ${windowLine(d.untilReturned)}`);
    log(`  in the 30 s after: ${windowLine(d.after30s)}; ${d.redispatched} requests redispatched by the balancer${d.note ? `; ${d.note}` : ''}`);
  }
  log(`SOAK RESULT ${JSON.stringify(result)}`);
}

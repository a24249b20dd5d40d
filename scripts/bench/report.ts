import type { ClosedLoopResult } from './closed-loop';
import type { Machine } from './machine-info';
import type { OpenLoopResult } from './open-loop';
import type { RoundTripResult } from './round-trips';
import type { ClusterWebhookResult } from './webhooks-cluster';

export const TARGETS = { turnsPerSecond: 5_000, p99Ms: 20, roundTripsPerTurn: 2 } as const;

export interface Verdict {
  figure: number;
  target: string;
  pass: boolean;
}

export interface Verdicts {
  throughput: Verdict;
  p99: Verdict;
  roundTrips: Verdict;
}

/** The webhook bench's figures, as printed and written to bench-results.json. */
export interface WebhookBenchResult {
  machine: Machine;
  closedLoop: ClosedLoopResult;
  openLoop: OpenLoopResult;
  roundTrips: RoundTripResult;
  verdicts: Verdicts;
  /** Figures (1) and (2) on a Redis Cluster, measured in the same run; why not, when it failed. */
  cluster: ClusterWebhookResult | { error: string };
}

/** Each figure against its target. A p99 is only a pass if no turn failed or was skipped to reach it. */
export function judge(closedLoop: ClosedLoopResult, openLoop: OpenLoopResult, roundTrips: RoundTripResult): Verdicts {
  return {
    throughput: { figure: closedLoop.turnsPerSecond, target: `>= ${TARGETS.turnsPerSecond} turns/s`, pass: closedLoop.turnsPerSecond >= TARGETS.turnsPerSecond },
    p99: {
      figure: openLoop.p99Ms,
      target: `< ${TARGETS.p99Ms} ms at ${openLoop.offeredPerSecond}/s`,
      pass: openLoop.p99Ms < TARGETS.p99Ms && openLoop.errors === 0 && openLoop.skippedBusy === 0,
    },
    roundTrips: { figure: roundTrips.roundTripsPerTurn, target: `<= ${TARGETS.roundTripsPerTurn} per turn`, pass: roundTrips.roundTripsPerTurn <= TARGETS.roundTripsPerTurn },
  };
}

export function printWebhookResult(result: WebhookBenchResult, log: (line: string) => void = console.log): void {
  const { closedLoop: c, openLoop: o, roundTrips: r, verdicts: v } = result;
  const mark = (verdict: Verdict) => (verdict.pass ? 'PASS' : 'MISS');
  log('');
  log('Webhook turns (signed Twilio webhooks against the real server and Redis)');
  log(`  (1) throughput, ${c.connections} connections, closed loop ${c.seconds} s : ${c.turnsPerSecond} turns/s   target ${v.throughput.target}   ${mark(v.throughput)}`);
  log(`      ${c.turns} turns in ${c.calls} calls, ${c.errors} errors; CPU server ${c.serverCpuPercent}%, load generator ${c.loadGeneratorCpuPercent}%; ${perCpuSecond(c)} turns per CPU-second of the server`);
  log(`  (2) latency at ${o.offeredPerSecond}/s offered, open loop ${o.seconds} s, ${o.calls} calls: p50 ${o.p50Ms} ms  p90 ${o.p90Ms} ms  p99 ${o.p99Ms} ms  max ${o.maxMs} ms   target p99 ${v.p99.target}   ${mark(v.p99)}`);
  log(`      ${o.completed} answered (${o.achievedPerSecond}/s), ${o.errors} errors, ${o.skippedBusy} turns skipped (previous turn still unanswered); server CPU ${o.serverCpuPercent}%`);
  log(`      diagnostics: generator send lag p99 ${o.sendLagP99Ms} ms; send→answer p50 ${o.serviceP50Ms} ms, p99 ${o.serviceP99Ms} ms`);
  log(`  (3) Redis round trips per turn (counting proxy, ${r.turns} turns one at a time): ${r.roundTripsPerTurn}   target ${v.roundTrips.target}   ${mark(v.roundTrips)}`);
  log(`      caller turns only (dial, keys; no status callback): ${r.callerTurnRoundTrips}; by webhook: ${Object.entries(r.roundTripsByWebhook).map(([name, n]) => `${name} ${n}`).join(', ')}`);
  log(`      commands sent per turn: ${r.commandsPerTurn} — ${Object.entries(r.commandsPerTurnByName).map(([name, n]) => `${name} ${n}`).join(', ')}`);
  log(`      INFO commandstats during (1), idle baseline subtracted, commands run inside scripts included: ${c.redisCommandsPerTurn}/turn — ${Object.entries(c.redisCommandBreakdownPerTurn).map(([name, n]) => `${name} ${n}`).join(', ')}`);
  printClusterRow(result.cluster, log);
}

/** Turns per second of the server's own CPU: comparable between runs on a machine whose other work takes a varying share. */
function perCpuSecond(closed: ClosedLoopResult): number {
  return closed.serverCpuPercent > 0 ? Math.round(closed.turnsPerSecond / (closed.serverCpuPercent / 100)) : NaN;
}

function printClusterRow(cluster: WebhookBenchResult['cluster'], log: (line: string) => void): void {
  if ('error' in cluster) {
    log(`  Cluster row: not measured (${cluster.error})`);
    return;
  }
  const { closedLoop: c, openLoop: o } = cluster;
  log(`  Cluster row — the same script and load on a Redis Cluster, ${cluster.deployment}:`);
  log(`  (1) throughput, ${c.connections} connections, closed loop ${c.seconds} s : ${c.turnsPerSecond} turns/s (${c.turns} turns, ${c.errors} errors; CPU server ${c.serverCpuPercent}%, load generator ${c.loadGeneratorCpuPercent}%; ${perCpuSecond(c)} turns per CPU-second of the server)`);
  log(`  (2) latency at ${o.offeredPerSecond}/s offered, open loop ${o.seconds} s: p50 ${o.p50Ms} ms  p90 ${o.p90Ms} ms  p99 ${o.p99Ms} ms  max ${o.maxMs} ms (${o.completed} answered, ${o.errors} errors, ${o.skippedBusy} skipped busy)`);
  log(`      Redis commands per turn, summed over the masters: ${c.redisCommandsPerTurn} — ${Object.entries(c.redisCommandBreakdownPerTurn).map(([name, n]) => `${name} ${n}`).join(', ')}`);
}

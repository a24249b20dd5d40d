import { createHttpPoster } from '../lib/http-poster';
import { BenchCall, send } from './bench-call';
import { ownCpuSeconds, processCpuSeconds } from './cpu-time';
import { round } from './figures';
import { idleCommandRate, statsDelta, type CommandStatsSource } from './redis-commands';
import type { ServerProcess } from './server-process';

/** Figure (1): throughput with callers back to back, and what each turn cost in CPU and Redis commands. */
export interface ClosedLoopResult {
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
}

/** `connections` callers back to back for `seconds`: as many turns as the server will take. */
export async function closedLoop(baseUrl: string, connections: number, seconds: number) {
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

/**
 * The closed loop, with the server's and our own CPU, and the Redis commands of each turn from
 * INFO commandstats (an idle baseline subtracted: other clients and our own INFO are not the hotline;
 * on a Cluster, summed over the masters).
 */
export async function measureClosedLoop(server: ServerProcess, commandsSoFar: CommandStatsSource, connections: number, seconds: number): Promise<ClosedLoopResult> {
  const idle = await idleCommandRate(commandsSoFar, 1000);
  const statsBefore = await commandsSoFar();
  const serverCpuBefore = processCpuSeconds(server.child.pid);
  const ownCpuBefore = ownCpuSeconds();
  const closed = await closedLoop(server.baseUrl, connections, seconds);
  const serverCpu = processCpuSeconds(server.child.pid) - serverCpuBefore;
  const ownCpu = ownCpuSeconds() - ownCpuBefore;
  const delta = statsDelta(statsBefore, await commandsSoFar());
  const breakdown: Record<string, number> = {};
  let commands = 0;
  for (const [name, calls] of [...delta].sort((a, b) => b[1] - a[1])) {
    const own = Math.max(0, calls - (idle.get(name) ?? 0) * closed.elapsed - (name === 'info' ? 1 : 0));
    if (own / closed.turns < 0.001) continue;
    breakdown[name] = round(own / closed.turns, 3);
    commands += own;
  }
  return {
    connections,
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
}

import { randomBytes } from 'node:crypto';
import { info, startCluster } from '../lib/redis-topology';
import { sanityCall } from './bench-call';
import { closedLoop, measureClosedLoop, type ClosedLoopResult } from './closed-loop';
import { measureOpenLoop, prepareCalls, type OpenLoopResult } from './open-loop';
import { addStats, parseCommandStats } from './redis-commands';
import { startServer, type ServerProcess } from './server-process';

/** The webhook bench's load, the same for the single server and the Cluster. */
export interface WebhookLoad {
  connections: number;
  warmUpSeconds: number;
  closedLoopSeconds: number;
  openLoopRate: number;
  openLoopSeconds: number;
  openLoopCalls: number;
}

/** The Cluster row: figures (1) and (2) of the webhook bench on a Redis Cluster. */
export interface ClusterWebhookResult {
  deployment: string;
  closedLoop: ClosedLoopResult;
  openLoop: OpenLoopResult;
}

/**
 * Figures (1) and (2) again, with the server on a Redis Cluster of its own (three masters, three
 * replicas: private redis-server processes on this machine, started and stopped here), the same
 * script and load. Redis commands per turn are INFO commandstats summed over the masters. Round
 * trips (3) are not counted: the counting proxy stands in front of one server, and a Cluster's
 * clients talk to each master directly.
 */
export async function runClusterWebhookBench(load: WebhookLoad, databaseUrl: string | undefined, log: (line: string) => void): Promise<ClusterWebhookResult> {
  log('cluster: starting 6 redis-server processes (3 masters, 3 replicas)…');
  const cluster = await startCluster();
  let server: ServerProcess | undefined;
  try {
    const prefix = `bench:webhooks:${randomBytes(4).toString('hex')}:`;
    server = await startServer(cluster.env, prefix, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
    await sanityCall(server.baseUrl);
    const commands = async () => addStats(await Promise.all((await cluster.masters()).map(async (master) => parseCommandStats(await info(master.port, 'commandstats')))));
    await closedLoop(server.baseUrl, load.connections, load.warmUpSeconds);
    const closed = await measureClosedLoop(server, commands, load.connections, load.closedLoopSeconds);
    log(`cluster closed loop: ${closed.turnsPerSecond} turns/s (${closed.turns} turns, ${closed.errors} errors; CPU: server ${closed.serverCpuPercent}%, load generator ${closed.loadGeneratorCpuPercent}%)`);
    const calls = await prepareCalls(server.baseUrl, load.openLoopCalls, load.connections);
    const open = await measureOpenLoop(server, calls, load.openLoopRate, load.openLoopSeconds);
    log(`cluster open loop: ${load.openLoopRate}/s offered: p50 ${open.p50Ms} ms, p99 ${open.p99Ms} ms, max ${open.maxMs} ms (${open.completed} answered, ${open.errors} errors)`);
    return { deployment: '3 masters + 3 replicas (redis-server processes on this machine)', closedLoop: closed, openLoop: open };
  } finally {
    await server?.stop();
    await cluster.stop();
  }
}

import { info, type RedisTopology } from '../lib/redis-topology';

/** The data servers holding the keys now: the server, the Sentinel master, or the Cluster's masters. */
async function dataMasters(topology: RedisTopology): Promise<number[]> {
  if (topology.kind === 'single') return [topology.server.port];
  if (topology.kind === 'sentinel') return [(await topology.master()).port];
  return (await topology.masters()).map((master) => master.port);
}

/** INFO memory `used_memory`, summed over the masters; undefined while one of them does not answer (a failover). */
export async function usedMemory(topology: RedisTopology): Promise<number | undefined> {
  try {
    const ports = await dataMasters(topology);
    const used = await Promise.all(ports.map(async (port) => Number(/used_memory:(\d+)/.exec(await info(port, 'memory'))?.[1])));
    return used.every(Number.isFinite) ? used.reduce((sum, bytes) => sum + bytes, 0) : undefined;
  } catch {
    return undefined;
  }
}

/** One reading: Redis's memory beside the calls in progress and started so far. */
export interface MemorySample {
  at: number;
  usedBytes: number;
  activeCalls: number;
  callsStarted: number;
}

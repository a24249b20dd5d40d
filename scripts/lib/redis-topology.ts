import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import calculateSlot from 'cluster-key-slot';
import { freePort } from './free-port';
import { ask, LOOPBACK, pause, serverArgs, startRedisProcess, until, type RedisProcess } from './redis-process';

export type { RedisProcess } from './redis-process';

/**
 * Real Redis deployments on loopback for tests and scripts (SPEC §5 "High availability"): one
 * server, a Sentinel deployment (master, replica, three sentinels) or a Cluster (three masters,
 * three replicas). Every process is Debian's `redis-server` on free ports with a folder of its own;
 * `stop()` kills them all and deletes the folders. `env` is what the app needs to use it.
 */
export type TopologyKind = 'single' | 'sentinel' | 'cluster';

interface Topology {
  /** The variables an app instance needs to use this deployment (REDIS_URL, or REDIS_SENTINELS…, or REDIS_CLUSTER_NODES). */
  readonly env: Record<string, string>;
  /** Every process of the deployment. */
  readonly processes: readonly RedisProcess[];
  /** SIGKILLs the master (of the queue's slot on a cluster) and answers it; `restart()` brings it back. */
  killMaster(): Promise<RedisProcess>;
  /** The live data servers that replicate `master` now (by their INFO replication). */
  replicasOf(master: RedisProcess): Promise<RedisProcess[]>;
  stop(): Promise<void>;
}

export interface SingleServer extends Topology {
  readonly kind: 'single';
  readonly server: RedisProcess;
}

export interface SentinelDeployment extends Topology {
  readonly kind: 'sentinel';
  /** The name the sentinels monitor the master under (REDIS_SENTINEL_NAME). */
  readonly name: string;
  /** The data servers: at start [master, replica]. */
  readonly servers: readonly RedisProcess[];
  readonly sentinels: readonly RedisProcess[];
  /** The data server the sentinels name as master now. */
  master(): Promise<RedisProcess>;
  /** Waits until the sentinels name a master other than `old`, and it answers as master. */
  waitForNewMaster(old: RedisProcess, timeoutMs?: number): Promise<RedisProcess>;
}

export interface ClusterDeployment extends Topology {
  readonly kind: 'cluster';
  /** The six nodes; which are masters changes with failovers (`masters()`). */
  readonly nodes: readonly RedisProcess[];
  /** The masters owning slots now, as a live node sees them. */
  masters(): Promise<RedisProcess[]>;
  masterOfSlot(slot: number): Promise<RedisProcess>;
  /** SIGKILLs the master owning `slot` (see `slotOf`) and answers it. */
  killMasterOfSlot(slot: number): Promise<RedisProcess>;
  /** Waits until `slot` is served by a master other than `old` and every live node says cluster_state:ok. */
  waitForNewMaster(old: RedisProcess, slot: number, timeoutMs?: number): Promise<RedisProcess>;
  /** Waits until every live node says cluster_state:ok. */
  waitUntilOk(timeoutMs?: number): Promise<void>;
}

export type RedisTopology = SingleServer | SentinelDeployment | ClusterDeployment;

/** The Redis Cluster hash slot of a key (honours `{hash tags}`). */
export const slotOf = (key: string): number => calculateSlot(key);

/** The slot of the hand-off's keys (`{queue}`), whatever the prefix. */
export const QUEUE_SLOT = slotOf('{queue}');

export async function startTopology(kind: TopologyKind): Promise<RedisTopology> {
  if (kind === 'sentinel') return startSentinelDeployment();
  if (kind === 'cluster') return startCluster();
  return startSingleServer();
}

async function stopAll(processes: readonly RedisProcess[]): Promise<void> {
  await Promise.all(processes.map((process) => process.remove()));
}

export async function startSingleServer(): Promise<SingleServer> {
  const port = await freePort();
  const server = await startRedisProcess(port, (dir) => serverArgs(port, dir));
  return {
    kind: 'single',
    server,
    processes: [server],
    env: { REDIS_URL: `redis://${server.address}` },
    killMaster: async () => {
      await server.kill();
      return server;
    },
    replicasOf: async () => [],
    stop: () => stopAll([server]),
  };
}

export interface SentinelOptions {
  /** Sentinel's `down-after-milliseconds`: how long a silent master takes to be judged down (default 1000). */
  downAfterMs?: number;
  /** Sentinel's `failover-timeout` (default 3000). */
  failoverTimeoutMs?: number;
}

/** One master, one replica and three sentinels (quorum 2), tuned so that a failover takes a few seconds. */
export async function startSentinelDeployment(options: SentinelOptions = {}): Promise<SentinelDeployment> {
  const name = 'mymaster';
  const started: RedisProcess[] = [];
  try {
    const [masterPort, replicaPort, ...sentinelPorts] = await distinctFreePorts(5);
    const sentinelConfig = (port: number) =>
      [
        `port ${port}`,
        `bind ${LOOPBACK}`,
        `sentinel monitor ${name} ${LOOPBACK} ${masterPort} 2`,
        `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
        `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 3000}`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n');
    started.push(
      ...(await startedAll([
        startRedisProcess(masterPort!, (dir) => serverArgs(masterPort!, dir)),
        startRedisProcess(replicaPort!, (dir) => [...serverArgs(replicaPort!, dir), '--replicaof', LOOPBACK, String(masterPort)]),
      ])),
    );
    const [master, replica] = started as [RedisProcess, RedisProcess];
    // Sentinels learn the replicas from the master's INFO, asked every 10 s: start them once it has its replica.
    await until('the replica to sync', 15_000, async () => ((await info(replica.port, 'replication')).includes('master_link_status:up') ? true : undefined));
    const sentinels = await startedAll(
      sentinelPorts.map((port) =>
        startRedisProcess(
          port,
          (dir) => [path.join(dir, 'sentinel.conf'), '--sentinel', '--dir', dir],
          (dir) => writeFileSync(path.join(dir, 'sentinel.conf'), sentinelConfig(port)),
        ),
      ),
    );
    started.push(...sentinels);
    // A failover needs every sentinel to know the replica and the other sentinels (hello messages every 2 s).
    await until('the sentinels to know each other and the replica', 20_000, async () => {
      for (const sentinel of sentinels) {
        const fields = pairs((await ask(sentinel.port, 'SENTINEL', 'MASTER', name)) as string[]);
        if (fields['num-other-sentinels'] !== '2' || fields['num-slaves'] !== '1') return undefined;
      }
      return true;
    });
    const servers = [master, replica];
    const masterNow = async (): Promise<RedisProcess> => {
      for (const sentinel of sentinels.filter((s) => s.alive())) {
        const reply = (await ask(sentinel.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name).catch(() => null)) as [string, string] | null;
        const found = reply && servers.find((server) => server.port === Number(reply[1]));
        if (found) return found;
      }
      throw new Error('no sentinel names a master');
    };
    return {
      kind: 'sentinel',
      name,
      servers,
      sentinels,
      processes: started,
      env: { REDIS_SENTINELS: sentinels.map((s) => s.address).join(','), REDIS_SENTINEL_NAME: name },
      master: masterNow,
      killMaster: async () => {
        const current = await masterNow();
        await current.kill();
        return current;
      },
      replicasOf: (current) => replicasAmong(servers, current),
      waitForNewMaster: (old, timeoutMs = 30_000) =>
        until('the sentinels to promote a new master', timeoutMs, async () => {
          const current = await masterNow();
          if (current === old || !current.alive()) return undefined;
          return (await info(current.port, 'replication')).includes('role:master') ? current : undefined;
        }),
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

export interface ClusterOptions {
  /** `cluster-node-timeout`: how long a silent master takes to be judged failing (default 1000). */
  nodeTimeoutMs?: number;
}

/** Three masters and three replicas (`redis-cli --cluster create … --cluster-replicas 1`), all slots covered. */
export async function startCluster(options: ClusterOptions = {}): Promise<ClusterDeployment> {
  const nodes: RedisProcess[] = [];
  try {
    const ports = await clusterPorts(6);
    const starting = ports.map((port) =>
      startRedisProcess(port, (dir) => [
        ...serverArgs(port, dir),
        '--cluster-enabled', 'yes',
        '--cluster-config-file', path.join(dir, 'nodes.conf'),
        '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1000),
        // A replica takes over however long its master has been silent: these are tests, not data to protect.
        '--cluster-replica-validity-factor', '0',
      ]),
    );
    nodes.push(...(await startedAll(starting)));
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...nodes.map((node) => node.address), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
    const cluster = clusterDeployment(nodes);
    await cluster.waitUntilOk(30_000);
    // Every replica has its master's data before anything may fail over.
    await until('the replicas to sync', 20_000, async () => {
      const roles = await Promise.all(nodes.map((node) => info(node.port, 'replication')));
      return roles.filter((text) => text.includes('role:slave') && text.includes('master_link_status:up')).length === 3 ? true : undefined;
    });
    return cluster;
  } catch (error) {
    await stopAll(nodes);
    throw error;
  }
}

function clusterDeployment(nodes: RedisProcess[]): ClusterDeployment {
  const byPort = (port: number) => {
    const node = nodes.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`no node of this cluster on port ${port}`);
    return node;
  };
  const live = () => nodes.filter((node) => node.alive());
  /** [start, end, masterPort] per slot range, as a live node sees them. */
  const slotRanges = async (): Promise<Array<[number, number, number]>> => {
    for (const node of live()) {
      const reply = (await ask(node.port, 'CLUSTER', 'SLOTS').catch(() => null)) as Array<[number, number, [string, number]]> | null;
      if (reply) return reply.map(([start, end, master]) => [start, end, Number(master[1])]);
    }
    throw new Error('no live cluster node answers CLUSTER SLOTS');
  };
  const masterOfSlot = async (slot: number) => {
    const range = (await slotRanges()).find(([start, end]) => slot >= start && slot <= end);
    if (!range) throw new Error(`slot ${slot} is not served`);
    return byPort(range[2]);
  };
  const waitUntilOk = async (timeoutMs = 30_000): Promise<void> => {
    await
    until('cluster_state:ok on every live node', timeoutMs, async () => {
      const states = await Promise.all(live().map((node) => ask(node.port, 'CLUSTER', 'INFO') as Promise<string>));
      return states.every((text) => text.includes('cluster_state:ok')) ? true : undefined;
    });
  };
  const killMasterOfSlot = async (slot: number) => {
    const master = await masterOfSlot(slot);
    await master.kill();
    return master;
  };
  return {
    kind: 'cluster',
    nodes,
    processes: nodes,
    env: { REDIS_CLUSTER_NODES: nodes.map((node) => node.address).join(',') },
    masters: async () => [...new Set((await slotRanges()).map(([, , port]) => port))].map(byPort),
    masterOfSlot,
    killMasterOfSlot,
    killMaster: () => killMasterOfSlot(QUEUE_SLOT),
    replicasOf: (master) => replicasAmong(nodes, master),
    waitForNewMaster: async (old, slot, timeoutMs = 30_000) => {
      const promoted = await until(`slot ${slot} to be served by a new master`, timeoutMs, async () => {
        const master = await masterOfSlot(slot);
        return master !== old && master.alive() ? master : undefined;
      });
      await waitUntilOk(timeoutMs);
      return promoted;
    },
    waitUntilOk,
    stop: () => stopAll(nodes),
  };
}

async function replicasAmong(servers: readonly RedisProcess[], master: RedisProcess): Promise<RedisProcess[]> {
  const live = servers.filter((server) => server !== master && server.alive());
  const roles = await Promise.all(live.map((server) => info(server.port, 'replication').catch(() => '')));
  return live.filter((_, i) => roles[i]!.includes('role:slave') && roles[i]!.includes(`master_port:${master.port}\r`));
}

/** `count` different free loopback ports. */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * Ports for cluster nodes: each node also listens on its port + 10000 (the cluster bus; Redis 6
 * has no `cluster-port` to move it), so both must be free.
 */
async function clusterPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let tries = 0; ports.size < count; tries++) {
    if (tries > 1000) throw new Error('no free port pairs (port, port + 10000) for the cluster');
    const port = await freePort();
    if (port + 10000 <= 65535 && !ports.has(port) && !ports.has(port + 10000) && !ports.has(port - 10000) && (await isFree(port + 10000))) ports.add(port);
  }
  return [...ports];
}

/** Whether nobody listens on `port` on loopback now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, LOOPBACK, () => server.close(() => resolve(true)));
  });
}

/** Waits for processes started together; when one fails, the others are removed and the failure thrown. */
async function startedAll(starting: Array<Promise<RedisProcess>>): Promise<RedisProcess[]> {
  const results = await Promise.allSettled(starting);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (!failed) return results.map((result) => (result as PromiseFulfilledResult<RedisProcess>).value);
  await stopAll(results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])));
  throw failed.reason;
}

/** A section of INFO from the server on `port`. */
export async function info(port: number, section: string): Promise<string> {
  return (await ask(port, 'INFO', section)) as string;
}

/** A flat [field, value, …] reply as an object. */
function pairs(flat: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) result[flat[i]!] = flat[i + 1]!;
  return result;
}

export { pause };

import { Cluster, type Redis } from 'ioredis';
import { masterOfSlot, nodeAddress, slotPerMaster, type RedisClient } from './redis-connection';

/**
 * What `/readyz` says about the store: which deployment, whether this instance reaches it, and
 * its state as this instance sees it. One server or Sentinel: the master this instance writes to,
 * its role and replicas. Cluster: the cluster's own state and its masters (those serving slots,
 * and how many of them answered).
 */
export type StoreStatus =
  | { deployment: 'embedded'; reachable: true }
  | { deployment: 'single' | 'sentinel'; reachable: boolean; master?: string; role?: string; replicas?: number }
  | { deployment: 'cluster'; reachable: boolean; state?: string; masters: number; mastersUp: number };

/** How the store is deployed: only Sentinel and Cluster have replicas to wait for (SPEC §5). */
export type StoreDeployment = StoreStatus['deployment'];

export function deploymentOf(client: RedisClient): StoreDeployment {
  return client instanceof Cluster ? 'cluster' : serverDeployment(client);
}

function serverDeployment(client: Redis): 'single' | 'sentinel' {
  return client.options.sentinels ? 'sentinel' : 'single';
}

/** Every master answers PING (on a cluster: the master of every slot range), or this rejects. */
export async function pingMasters(client: RedisClient): Promise<void> {
  if (!(client instanceof Cluster)) {
    await client.ping();
    return;
  }
  const slots = slotPerMaster(client);
  if (slots.length === 0) throw new Error('the cluster client knows no master yet');
  await Promise.all(slots.map(async (slot) => masterOfSlot(client, slot).ping()));
}

/** The store's state; `reachable` is false when a master does not answer (never rejects). */
export async function storeStatus(client: RedisClient): Promise<StoreStatus> {
  if (client instanceof Cluster) return clusterStatus(client);
  const deployment = serverDeployment(client);
  try {
    const [role, , replicas] = (await client.call('ROLE')) as [string, unknown, unknown];
    return { deployment, reachable: true, master: nodeAddress(client), role, replicas: Array.isArray(replicas) ? replicas.length : 0 };
  } catch {
    return { deployment, reachable: false };
  }
}

async function clusterStatus(cluster: Cluster): Promise<StoreStatus> {
  const slots = slotPerMaster(cluster);
  const [info, ...answers] = await Promise.allSettled([
    cluster.cluster('INFO') as Promise<string>,
    ...slots.map(async (slot) => masterOfSlot(cluster, slot).ping()),
  ]);
  const mastersUp = answers.filter((answer) => answer.status === 'fulfilled').length;
  const state = info.status === 'fulfilled' ? /cluster_state:(\w+)/.exec(info.value)?.[1] : undefined;
  return { deployment: 'cluster', reachable: slots.length > 0 && mastersUp === slots.length, ...(state ? { state } : {}), masters: slots.length, mastersUp };
}

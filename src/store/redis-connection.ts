import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisDeployment } from './redis-deployment';
import { sentinelClient } from './sentinel-client';

/** The store's connection: one server or a Sentinel deployment (`Redis`), or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Webhooks must answer within Twilio's 15 s, and callers notice far less: a command fails fast
 * (one retry, bounded time, no offline queue) instead of waiting ~74 s for a Redis that is gone.
 * The client keeps reconnecting by itself in the background.
 */
export const WEBHOOK_PATH_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 1,
  commandTimeout: 800,
  enableOfflineQueue: false,
  connectTimeout: 2000,
  // Commands from concurrent webhooks share one socket write: fewer syscalls under load.
  enableAutoPipelining: true,
  retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
};

/**
 * A master that became a replica (a failover the client missed) refuses writes with READONLY:
 * reconnect, and the sentinels name the new master. The refused command fails (fast) and its
 * webhook apologises; the next one reaches the new master.
 */
const reconnectOnReadOnly = (error: Error): 1 | false => (error.message.startsWith('READONLY') ? 1 : false);

/** Cluster: the same fail-fast rules, at the top level (the cluster's own queue) and for every node. */
function clusterOptions(natMap: Record<string, { host: string; port: number }>, options: RedisOptions): ClusterOptions {
  const { enableOfflineQueue: _queue, retryStrategy: _retry, enableAutoPipelining: _pipelining, ...perNode } = { ...WEBHOOK_PATH_OPTIONS, ...options };
  return {
    enableOfflineQueue: options.enableOfflineQueue ?? false,
    enableAutoPipelining: options.enableAutoPipelining ?? true,
    // Reads see the writes just made: a replica may lag, and a session read must see its last save.
    scaleReads: 'master',
    natMap,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // A failed master's slots move to its replica within a few seconds: ask the cluster again soon.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    // The slot table stays current while idle too (readiness and WAIT go to the slot's master).
    slotsRefreshInterval: 5000,
    redisOptions: perNode,
    lazyConnect: true,
  };
}

/** One server at `url`, with the webhook path's options (tests and scripts pass overrides). */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, { ...WEBHOOK_PATH_OPTIONS, lazyConnect: true, ...options });
  return connected(redis);
}

/** The deployment's client, connected: one server, the master the sentinels name, or the cluster. */
export async function connectDeployment(deployment: RedisDeployment, options: RedisOptions = {}): Promise<RedisClient> {
  switch (deployment.kind) {
    case 'single':
      return connectRedis(deployment.url, options);
    case 'sentinel':
      return connected(
        sentinelClient({
          ...WEBHOOK_PATH_OPTIONS,
          sentinels: deployment.sentinels,
          name: deployment.name,
          // Told of a failover by the sentinels at once, instead of when the old master's socket dies.
          failoverDetector: true,
          reconnectOnError: reconnectOnReadOnly,
          lazyConnect: true,
          ...options,
        }),
      );
    case 'cluster':
      return connected(new Cluster(deployment.nodes, clusterOptions(deployment.natMap, options)));
  }
}

async function connected<T extends RedisClient>(client: T): Promise<T> {
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * A second connection of the same deployment for SUBSCRIBE (a subscribed connection takes no other
 * command). It queues while reconnecting, so its subscriptions come back after a failover.
 */
export function subscriberOf(client: RedisClient): RedisClient {
  const subscriber =
    client instanceof Cluster
      ? client.duplicate([], { enableOfflineQueue: true })
      : client.options.sentinels
        ? sentinelClient({ ...client.options, enableOfflineQueue: true })
        : client.duplicate({ enableOfflineQueue: true });
  subscriber.on('error', () => undefined);
  return subscriber;
}

/**
 * The connection to the master that holds `key`: on a cluster the master serving the key's slot
 * (commands without a key, such as WAIT and INFO, must go there), otherwise the client itself.
 */
export function masterOf(client: RedisClient, key: string): Redis {
  return client instanceof Cluster ? masterOfSlot(client, calculateSlot(key)) : client;
}

/** The connection to the master serving `slot`, as the client's slot table says; asks the cluster again when it names none. */
export function masterOfSlot(cluster: Cluster, slot: number): Redis {
  const address = cluster.slots[slot]?.[0];
  const master = address ? cluster.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === address) : undefined;
  if (master) return master;
  cluster.refreshSlotsCache();
  throw new Error(`no known master serves slot ${slot}`);
}

/** One slot of each master in the client's slot table: ask `masterOfSlot` for its connection. */
export function slotPerMaster(cluster: Cluster): number[] {
  const firstSlots = new Map<string, number>();
  cluster.slots.forEach((nodes, slot) => {
    if (nodes[0] && !firstSlots.has(nodes[0])) firstSlots.set(nodes[0], slot);
  });
  return [...firstSlots.values()];
}

/** `host:port` of the server a connection talks to: where its socket goes (a sentinel-found master), else its options. */
export function nodeAddress(redis: Redis): string {
  const socket = redis.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  return socket?.remoteAddress && socket.remotePort ? `${socket.remoteAddress}:${socket.remotePort}` : `${redis.options.host}:${redis.options.port}`;
}

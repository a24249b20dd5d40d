import { z } from 'zod';

/** A server's address, as a sentinel or cluster node list names it. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Which Redis the hotline uses (SPEC §5 "High availability"): one server (`REDIS_URL`), a
 * Sentinel deployment (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`) or a Redis Cluster
 * (`REDIS_CLUSTER_NODES`, with `REDIS_CLUSTER_NAT_MAP` when the nodes announce addresses the app
 * cannot reach). The store behaves the same on all three.
 */
export type RedisDeployment =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string }
  | { kind: 'cluster'; nodes: HostPort[]; natMap: Record<string, HostPort> };

export type DeploymentKind = RedisDeployment['kind'];

/** The variable that selects each deployment: exactly one of them may be set. */
export const DEPLOYMENT_VARIABLES = { single: 'REDIS_URL', sentinel: 'REDIS_SENTINELS', cluster: 'REDIS_CLUSTER_NODES' } as const satisfies Record<DeploymentKind, string>;

const hostPort = z
  .string()
  .trim()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/, 'must be host:port')
  .transform((value): HostPort => {
    const at = value.lastIndexOf(':');
    return { host: value.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(value.slice(at + 1)) };
  })
  .refine((address) => address.port > 0 && address.port <= 65535, 'port must be 1–65535');

/** `host:port,host:port,…` (at least one). */
export const hostPortListSchema = z
  .string()
  .transform((list) => list.split(',').filter((entry) => entry.trim() !== ''))
  .pipe(z.array(hostPort).min(1, 'must list at least one host:port'));

/** `announced-host:port=reachable-host:port,…`: how the app reaches each cluster node. */
export const natMapSchema = z
  .string()
  .transform((list) => list.split(',').filter((entry) => entry.trim() !== ''))
  .pipe(
    z.array(
      z
        .string()
        .transform((entry) => entry.split('='))
        .pipe(z.tuple([hostPort, hostPort], { error: 'must be announced-host:port=reachable-host:port' })),
    ),
  )
  .transform((pairs) => Object.fromEntries(pairs.map(([from, to]) => [`${from.host}:${from.port}`, to])) as Record<string, HostPort>);

/** Sentinel's master names: letters, digits and `._-`. */
export const sentinelNameSchema = z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be a master name like mymaster');

/** A one-line description for logs: never a password (a URL's credentials are masked). */
export function describeDeployment(deployment: RedisDeployment): string {
  const list = (nodes: HostPort[]) => nodes.map((node) => `${node.host}:${node.port}`).join(',');
  switch (deployment.kind) {
    case 'single':
      return `single server ${deployment.url.replace(/\/\/[^@/]*@/, '//***@')}`;
    case 'sentinel':
      return `sentinel master "${deployment.name}" via ${list(deployment.sentinels)}`;
    case 'cluster':
      return `cluster via ${list(deployment.nodes)}`;
  }
}

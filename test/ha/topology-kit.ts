import { startTopology, type RedisTopology, type TopologyKind } from '../../scripts/lib/redis-topology';
import { loadConfig } from '../../src/config';
import { connectDeployment, type RedisClient } from '../../src/store/redis-connection';

/** Starting a deployment takes a few seconds on a loaded machine; a failover a few more. */
export const TOPOLOGY_TIMEOUT_MS = 60_000;

/**
 * The app's own client of a deployment (config from the deployment's env, the webhook path's
 * options) with a longer command timeout: the test machine is shared and slow at times.
 */
export async function connectTo(topology: RedisTopology, commandTimeout = 5000): Promise<RedisClient> {
  const deployment = loadConfig(topology.env).redis;
  if (!deployment) throw new Error('the topology names no Redis deployment');
  return connectDeployment(deployment, { commandTimeout });
}

/**
 * One real deployment for a test file's describe block: started before its tests, with a client,
 * and stopped (every process killed, every folder deleted) after them.
 */
export function onTopology(kind: TopologyKind) {
  let topology: RedisTopology | undefined;
  let client: RedisClient | undefined;
  beforeAll(async () => {
    topology = await startTopology(kind);
    client = await connectTo(topology);
  }, TOPOLOGY_TIMEOUT_MS);
  afterAll(async () => {
    client?.disconnect();
    await topology?.stop();
  }, TOPOLOGY_TIMEOUT_MS);
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the deployment starts in beforeAll: use it inside a test');
    return value;
  };
  return {
    get topology(): RedisTopology {
      return started(topology);
    },
    get client(): RedisClient {
      return started(client);
    },
  };
}

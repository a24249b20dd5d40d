import { deploymentChecks } from './deployment-checks';
import { failoverUnderLoad } from './failover-under-load';
import { sessionsSpread } from './slot-spread';
import { storeContracts } from './store-contracts';
import { onTopology } from './topology-kit';

/** One cluster for the file: the contract suites, its own checks, and last its master's death. */
describe('on a Redis Cluster (3 masters, 3 replicas)', () => {
  const deployment = onTopology('cluster');
  storeContracts('cluster', () => deployment.client);
  deploymentChecks('cluster', () => deployment);
  sessionsSpread(() => deployment);
  failoverUnderLoad('cluster', () => deployment.topology);
});

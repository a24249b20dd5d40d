import { deploymentChecks } from './deployment-checks';
import { failoverUnderLoad } from './failover-under-load';
import { sentinelRevival } from './sentinel-revival';
import { storeContracts } from './store-contracts';
import { onTopology } from './topology-kit';

/** One Sentinel deployment for the file: the contract suites, its own checks, and last its master's death. */
describe('on Redis Sentinel (a master, a replica, three sentinels)', () => {
  const deployment = onTopology('sentinel');
  storeContracts('sentinel', () => deployment.client);
  deploymentChecks('sentinel', () => deployment);
  sentinelRevival(() => deployment.topology);
  failoverUnderLoad('sentinel', () => deployment.topology);
});

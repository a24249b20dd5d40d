/**
 * Whether an error says the Redis deployment cannot answer now (down, failing over, a command
 * timed out), as opposed to a fault of ours: such a request may be tried again in a moment.
 * ioredis reports these by message and by a few error names; the cluster's own states
 * (CLUSTERDOWN, TRYAGAIN) and a demoted master (READONLY) pass within a failover.
 */
const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
const UNAVAILABLE_MESSAGES = /Connection is closed|Stream isn't writeable|Command timed out|connect ECONNREFUSED|connect ETIMEDOUT|^CLUSTERDOWN|^TRYAGAIN|^READONLY|^LOADING|^MASTERDOWN|Failed to refresh slots cache|None of startup nodes is available/;

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return UNAVAILABLE_NAMES.has(error.name) || UNAVAILABLE_MESSAGES.test(error.message);
}

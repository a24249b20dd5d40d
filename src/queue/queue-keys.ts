import type { Tier } from './human-queue';

/**
 * Every Redis key of the human queue is built here. All of them share the hash tag `{queue}` so
 * each Lua script — which always touches several of them — runs on Redis Cluster too.
 */
export interface QueueKeys {
  /** Sorted set of waiting callSids, scored by queue-order.ts. */
  waiting(tier: Tier): string;
  /** Hash of one call (see call-record.ts). */
  call(callSid: string): string;
  /** `call(sid) === callPrefix + sid`: scripts that pop a callSid build its key from this. */
  readonly callPrefix: string;
  /** Sorted set callSid → lease deadline (ms) of claimed calls. */
  readonly leases: string;
  /** Counter behind front-of-queue scores. */
  readonly frontSeq: string;
  /** List of recent waits, newest first (estimated-wait.ts). */
  waits(tier: Tier): string;
}

export function queueKeys(prefix: string): QueueKeys {
  const tag = `${prefix}{queue}`;
  const callPrefix = `${tag}:call:`;
  return {
    waiting: (tier) => `${tag}:${tier}`,
    call: (callSid) => `${callPrefix}${callSid}`,
    callPrefix,
    leases: `${tag}:leases`,
    frontSeq: `${tag}:front-seq`,
    waits: (tier) => `${tag}:waits:${tier}`,
  };
}

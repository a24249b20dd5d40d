import type { QueuedCall, Tier } from './human-queue';

/**
 * The rules both HumanQueue implementations apply in TypeScript around their storage (the Redis
 * one around its Lua scripts), written once so the two cannot drift apart.
 */

/** claim() needs an agent to give the call to and at least one queue to take it from. */
export function assertClaimRequest(queues: readonly Tier[], agentId: string): void {
  if (queues.length === 0 || agentId === '') throw new Error('claim needs an agent and at least one queue');
}

/** How long the call has waited since it last joined a queue, as reported on claim and removal; never negative. */
export function timeWaitedMs(call: Pick<QueuedCall, 'waitingSince'>, now: number): number {
  return Math.max(0, now - call.waitingSince);
}

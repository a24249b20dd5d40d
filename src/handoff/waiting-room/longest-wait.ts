import type { Tier } from '../../../flows/vocabulary';
import type { HandoffStore } from '../record/handoff-store';

/**
 * How many callers of a queue, in queue order, the longest wait reads. The oldest caller on hold
 * is beyond them only when more than this many wait ahead of them, which the depth shows.
 */
export const LONGEST_WAIT_SCAN = 1000;

/**
 * Of a queue's callers, the longest one on hold (state `waiting`) has waited, in seconds; 0 when
 * nobody is. One reading for everyone who shows it: the metrics' gauge and the supervisors' overview.
 */
export async function longestWaitSeconds(queue: Pick<HandoffStore, 'list'>, tier: Tier, now: number): Promise<number> {
  const callers = await queue.list(tier, LONGEST_WAIT_SCAN);
  const since = callers.filter((caller) => caller.state === 'waiting').map((caller) => caller.waitingSince);
  return since.length === 0 ? 0 : Math.max(0, now - Math.min(...since)) / 1000;
}

import type { QueuePriority } from '../../../flows/vocabulary';

/**
 * Both implementations order waiting callers by one number, lowest first. A waiting caller scores
 * `rank * RANK_SPAN + enqueuedAt`, so priority decides first and the time queued breaks ties.
 * RANK_SPAN (1e13 ms) is beyond any epoch-ms timestamp until the year 2286, and the largest score
 * (3e13 + 1e13) is far below 2^53, so every score is an exact integer in a double (and in Redis).
 * Callers put back at the front score below every waiting score (transitions/transition.ts).
 */
const PRIORITY_RANK: Record<QueuePriority, number> = { urgent: 1, repeat: 2, normal: 3 };
const RANK_SPAN = 1e13;

export function waitingScore(priority: QueuePriority, enqueuedAt: number): number {
  if (!Number.isSafeInteger(enqueuedAt) || enqueuedAt < 0 || enqueuedAt >= RANK_SPAN) {
    throw new RangeError(`enqueuedAt must be epoch milliseconds, got ${enqueuedAt}`);
  }
  return PRIORITY_RANK[priority] * RANK_SPAN + enqueuedAt;
}

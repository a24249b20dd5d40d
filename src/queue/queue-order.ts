import type { QueuePriority } from './human-queue';

/**
 * Both implementations order waiting callers by one number, lowest first. A waiting caller scores
 * `rank * RANK_SPAN + enqueuedAt`, so priority decides first and the time queued breaks ties.
 * RANK_SPAN (1e13 ms) is beyond any epoch-ms timestamp until the year 2286, and the largest score
 * (3e13 + 1e13) is far below 2^53, so every score is an exact integer in a double (and in Redis).
 * Callers put back at the front score `-seq` (see frontScore), below every waiting score.
 */
const PRIORITY_RANK: Record<QueuePriority, number> = { urgent: 1, repeat: 2, normal: 3 };
const RANK_SPAN = 1e13;

export function waitingScore(priority: QueuePriority, enqueuedAt: number): number {
  if (!Number.isSafeInteger(enqueuedAt) || enqueuedAt < 0 || enqueuedAt >= RANK_SPAN) {
    throw new RangeError(`enqueuedAt must be epoch milliseconds, got ${enqueuedAt}`);
  }
  return PRIORITY_RANK[priority] * RANK_SPAN + enqueuedAt;
}

/**
 * `seq` grows with every requeue to the front, so the newest front-requeued caller goes first —
 * the escalated or bridge-failed caller is the one who must not wait again.
 */
export function frontScore(seq: number): number {
  return -seq;
}

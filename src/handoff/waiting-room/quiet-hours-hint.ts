import type { Tier } from '../../../flows/vocabulary';
import type { Speech } from '../../twilio/answer';

/** SPEC §5: beyond this estimated wait, callers also hear when waits are usually shortest. */
export const QUIET_HOURS_AFTER_MS = 5 * 60_000;

/** The two local hours of day (0–23) with the shortest waits of a queue, or null when too few records say so. */
export interface QuietHoursSource {
  hours(queue: Tier): readonly [number, number] | null;
}

/**
 * The sentence a long wait adds to the announcement: "waits are usually shortest from 10 to 11
 * and from 15 to 16" (prompt `queue.wait.quietHours`), earlier hour first. Nothing for a short
 * or unknown estimate, or when the records cannot tell. Read from a cache: never a database call.
 */
export function quietHoursSpeech(source: QuietHoursSource | undefined, queue: Tier, estimateMs: number | null): Speech[] {
  if (!source || estimateMs === null || estimateMs <= QUIET_HOURS_AFTER_MS) return [];
  const hours = source.hours(queue);
  if (!hours) return [];
  const [first, second] = [...hours].sort((a, b) => a - b) as [number, number];
  return [{ key: 'queue.wait.quietHours', vars: { first, firstEnd: first + 1, second, secondEnd: second + 1 } }];
}

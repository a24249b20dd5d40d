import { spokenWait } from './wait-announcement';

/**
 * Which wait to announce for one place, from its replayed waits (wait-replay.ts, issue 12). The
 * accuracy the issue measures is the relative error |told − real| / max(real, 1 min); the number
 * that makes it smallest on average is the median of the waits weighted by 1 / max(wait, 1 min):
 * a little under the plain median, because telling a short wait too long weighs more than the
 * same minutes on a long one.
 * `lateWeight` > 0 also counts, as that much more error, each future in which the caller waits
 * more than a minute beyond the number said (as spoken: rounded up) — a padding that trades
 * relative error for fewer callers told too little. 0 by default; the README has both figures.
 */
export function bestGuess(waits: Float64Array, lateWeight = 0): number {
  const sorted = Float64Array.from(waits).sort();
  const relative = relativeMedian(sorted);
  if (lateWeight <= 0) return relative;
  let best = relative;
  let bestLoss = loss(sorted, relative, lateWeight);
  for (let q = CANDIDATES_FROM; q <= CANDIDATES_TO; q += CANDIDATE_STEP) {
    const candidate = sorted[Math.floor(q * sorted.length)]!;
    const candidateLoss = loss(sorted, candidate, lateWeight);
    if (candidateLoss < bestLoss) {
      best = candidate;
      bestLoss = candidateLoss;
    }
  }
  return best;
}

const MINUTE_MS = 60_000;
/** The padded guess is sought among these quantiles of the replayed waits. */
const CANDIDATES_FROM = 0.2;
const CANDIDATES_TO = 0.95;
const CANDIDATE_STEP = 0.025;

/** The weighted median of ascending `sorted`, weights 1 / max(wait, 1 min). */
export function relativeMedian(sorted: Float64Array): number {
  let total = 0;
  for (const wait of sorted) total += 1 / Math.max(wait, MINUTE_MS);
  let sum = 0;
  for (const wait of sorted) {
    sum += 1 / Math.max(wait, MINUTE_MS);
    if (sum >= total / 2) return wait;
  }
  return sorted[sorted.length - 1] ?? 0;
}

/** The minutes a caller hears for `ms`: "less than a minute" is one, "more than 30" is 30. */
function saidMs(ms: number): number {
  const spoken = spokenWait(ms);
  return spoken.kind === 'about' || spoken.kind === 'moreThan' ? spoken.minutes * MINUTE_MS : MINUTE_MS;
}

function loss(sorted: Float64Array, guess: number, lateWeight: number): number {
  const lateAfter = saidMs(guess) + MINUTE_MS;
  let total = 0;
  for (const wait of sorted) total += Math.abs(guess - wait) / Math.max(wait, MINUTE_MS) + (wait > lateAfter ? lateWeight : 0);
  return total;
}

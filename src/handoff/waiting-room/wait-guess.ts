import { spokenWait } from './wait-announcement';

/**
 * Which wait to announce for one place, from its replayed waits (wait-replay.ts, issue 12). The
 * accuracy the issue measures is the relative error |told − real| / max(real, 1 min); the number
 * that makes it smallest on average is the median of the waits weighted by 1 / max(wait, 1 min),
 * a little under the plain median (telling a short wait too long weighs more than the same
 * minutes on a long one). But a caller told too little minds it more than one told too much: each
 * future in which the caller waits more than a minute beyond the number said (as spoken: rounded
 * up) also counts `lateWeight` of error. The announced wait is the one with the least expected
 * error so counted, among the relative-error best guess and the 20th…95th percentiles.
 */
export function bestGuess(waits: Float64Array, lateWeight: number): number {
  const sorted = Float64Array.from(waits).sort();
  const relative = relativeMedian(sorted);
  if (lateWeight <= 0 || sorted.length === 0) return relative;
  const error = expectedError(sorted, lateWeight);
  let best = relative;
  let bestError = error(relative);
  for (let q = CANDIDATES_FROM; q <= CANDIDATES_TO + 1e-9; q += CANDIDATE_STEP) {
    const candidate = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    const candidateError = error(candidate);
    if (candidateError < bestError) {
      best = candidate;
      bestError = candidateError;
    }
  }
  return best;
}

const MINUTE_MS = 60_000;
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

/** How many of ascending `sorted` are at most `ms`. */
function countUpTo(sorted: Float64Array, ms: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The summed error of a guess over ascending `sorted` (relative error plus `lateWeight` per late
 * future), each guess in O(log n) from running sums of 1 / m and wait / m, m = max(wait, 1 min).
 */
function expectedError(sorted: Float64Array, lateWeight: number): (guess: number) => number {
  const inverse = new Float64Array(sorted.length + 1);
  const ratio = new Float64Array(sorted.length + 1);
  sorted.forEach((wait, i) => {
    const m = Math.max(wait, MINUTE_MS);
    inverse[i + 1] = inverse[i]! + 1 / m;
    ratio[i + 1] = ratio[i]! + wait / m;
  });
  const n = sorted.length;
  return (guess) => {
    const below = countUpTo(sorted, guess);
    const under = guess * inverse[below]! - ratio[below]!;
    const over = ratio[n]! - ratio[below]! - guess * (inverse[n]! - inverse[below]!);
    const late = n - countUpTo(sorted, saidMs(guess) + MINUTE_MS);
    return under + over + lateWeight * late;
  };
}

import { bestGuess, relativeMedian } from '../../../src/handoff/waiting-room/wait-guess';

const SEC = 1000;
const MIN = 60 * SEC;
const waits = (...ms: number[]) => Float64Array.from(ms);

describe('which wait to announce from the replayed ones', () => {
  it('the relative-error best guess: the median weighted by 1 / wait, a little under the plain median', () => {
    // Weights 1, 1/2, 1/3, 1/4, 1/10: half the total weight is reached at 2 minutes (the plain median is 3).
    expect(relativeMedian(waits(1 * MIN, 2 * MIN, 3 * MIN, 4 * MIN, 10 * MIN))).toBe(2 * MIN);
    // Under a minute every wait weighs the same (the error is counted against a minute at least).
    expect(relativeMedian(waits(10 * SEC, 20 * SEC, 30 * SEC))).toBe(20 * SEC);
    expect(bestGuess(waits(10 * MIN, 1 * MIN, 4 * MIN, 3 * MIN, 2 * MIN), 0)).toBe(2 * MIN);
  });

  it('being told too little counts too: a larger number, and fewer futures more than a minute beyond what is said', () => {
    const spread = Float64Array.from({ length: 200 }, (_, i) => 5 * MIN + (i / 199) * 10 * MIN);
    const late = (guess: number) => spread.filter((wait) => wait > Math.ceil(guess / MIN) * MIN + MIN).length;
    const plain = bestGuess(spread, 0);
    const padded = bestGuess(spread, 0.5);
    expect(padded).toBeGreaterThan(plain);
    expect(late(padded)).toBeLessThan(late(plain));
  });
});

describe('the expected error, computed from running sums', () => {
  it('picks the same guess as summing the error of every future one by one', () => {
    const lateWeight = 0.5;
    const error = (sorted: Float64Array, guess: number) => {
      const said = guess < MIN ? MIN : Math.min(30, Math.ceil(guess / MIN)) * MIN;
      return sorted.reduce((sum, wait) => sum + Math.abs(guess - wait) / Math.max(wait, MIN) + (wait > said + MIN ? lateWeight : 0), 0);
    };
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let run = 0; run < 20; run += 1) {
      const sorted = Float64Array.from({ length: 100 }, () => 20 * SEC + random() * 20 * MIN).sort();
      const guess = bestGuess(sorted, lateWeight);
      const candidates = [relativeMedian(sorted), ...Array.from({ length: 31 }, (_, i) => sorted[Math.floor((0.2 + i * 0.025) * 100)]!)];
      expect(error(sorted, guess)).toBeCloseTo(Math.min(...candidates.map((c) => error(sorted, c))), 6);
    }
  });
});

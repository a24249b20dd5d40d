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
    expect(bestGuess(waits(10 * MIN, 1 * MIN, 4 * MIN, 3 * MIN, 2 * MIN))).toBe(2 * MIN);
  });

  it('padded against late callers: a larger number, and fewer futures more than a minute beyond what is said', () => {
    const spread = Float64Array.from({ length: 200 }, (_, i) => 5 * MIN + (i / 199) * 10 * MIN);
    const late = (guess: number) => spread.filter((wait) => wait > Math.ceil(guess / MIN) * MIN + MIN).length;
    const plain = bestGuess(spread);
    const padded = bestGuess(spread, 1);
    expect(padded).toBeGreaterThan(plain);
    expect(late(padded)).toBeLessThan(late(plain));
  });
});

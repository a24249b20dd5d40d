import { replayWaits, type ReplayInput } from '../../../src/handoff/waiting-room/wait-replay';

const SEC = 1000;
const MIN = 60 * SEC;
const FUTURES = 400;

/** One agent who has talked 2 of 5 minutes; every conversation takes five minutes. */
const oneAgent = (overrides: Partial<ReplayInput> = {}): ReplayInput => ({
  agents: [2 * MIN],
  talksMs: [5 * MIN, 5 * MIN, 5 * MIN, 5 * MIN, 5 * MIN],
  betweenCallsMs: 45 * SEC,
  betweenCallsSpread: 0,
  hangUpsPerMs: 0,
  onLine: [],
  places: 2,
  futures: FUTURES,
  seed: 11,
  ...overrides,
});
const place = (waits: Float64Array, p: number) => Array.from(waits.subarray((p - 1) * FUTURES, p * FUTURES));

describe('the replay of the next minutes: the time between two callers', () => {
  it('fixed: the first caller waits for what is left of the conversation and the time between callers, in every future', () => {
    const waits = replayWaits(oneAgent());
    expect(new Set(place(waits, 1))).toEqual(new Set([3 * MIN + 45 * SEC]));
    expect(new Set(place(waits, 2))).toEqual(new Set([3 * MIN + 45 * SEC + 5 * MIN + 45 * SEC]));
  });

  it('spread: drawn within ± half of it, so the front of the queue can move sooner (and later) than the fixed time', () => {
    const first = place(replayWaits(oneAgent({ betweenCallsSpread: 0.5 })), 1);
    const left = 3 * MIN;
    for (const wait of first) {
      expect(wait).toBeGreaterThanOrEqual(left + 22.5 * SEC);
      expect(wait).toBeLessThanOrEqual(left + 67.5 * SEC);
    }
    expect(Math.min(...first)).toBeLessThan(left + 25 * SEC);
    expect(Math.max(...first)).toBeGreaterThan(left + 65 * SEC);
    const mean = first.reduce((sum, wait) => sum + wait, 0) / first.length;
    expect(mean).toBeGreaterThan(left + 42 * SEC);
    expect(mean).toBeLessThan(left + 48 * SEC);
  });

  it('seeded: the same inputs give the same waits, and replaying more places changes none of the first ones', () => {
    const input = oneAgent({ agents: [2 * MIN, null, 30 * SEC], talksMs: [1, 3, 4, 5, 9].map((m) => m * MIN), betweenCallsSpread: 0.5, hangUpsPerMs: 1 / (20 * MIN), places: 5 });
    const five = replayWaits(input);
    expect(Array.from(replayWaits(input))).toEqual(Array.from(five));
    const nine = replayWaits({ ...input, places: 9 });
    for (let p = 1; p <= 5; p += 1) expect(place(nine, p)).toEqual(place(five, p));
  });
});

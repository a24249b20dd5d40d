import fc from 'fast-check';
import { DEFAULT_WAIT_MODEL, estimateWaitMs, hangUpRate, waitModel, type AgentNow, type WaitModelInput } from '../../../src/handoff/waiting-room/wait-estimator';
import type { HangUpSample, WaitSample } from '../../../src/handoff/waiting-room/wait-samples';

const SEC = 1000;
const MIN = 60 * SEC;
const T = Date.parse('2026-03-10T11:00:00+08:00');
const BETWEEN = DEFAULT_WAIT_MODEL.betweenCallsMs;
/** The time between callers always the same, so the replays below can be checked to the ms. */
const FIXED = { ...DEFAULT_WAIT_MODEL, betweenCallsSpread: 0 };

/** Every conversation takes exactly five minutes: the replays differ only in when free agents start. */
const fiveMinuteCalls = Array.from({ length: 20 }, () => 5 * MIN);
const busy = (count: number, talkedMs = 0): AgentNow[] => Array.from({ length: count }, () => ({ busyForMs: talkedMs }));
const free = (count: number): AgentNow[] => Array.from({ length: count }, () => ({ busyForMs: null }));
const input = (overrides: Partial<WaitModelInput>): WaitModelInput => ({
  agents: busy(6),
  handleTimesMs: fiveMinuteCalls,
  samples: [],
  hangUps: [],
  onLine: [],
  ...overrides,
});
const estimate = (overrides: Partial<WaitModelInput>, position: number) => estimateWaitMs(input(overrides), position, FIXED);

const answered = (minutesAgo: number, waitedMs: number): WaitSample => ({ queue: 'tier1', answeredAt: T - minutesAgo * MIN, waitedMs });
const hungUp = (minutesAgo: number, waitedMs: number): HangUpSample => ({ queue: 'tier1', hungUpAt: T - minutesAgo * MIN, waitedMs });
/** Callers answered after 4 minutes and others who gave up after 4 minutes, one a minute each. */
function patience(answeredCount: number, hungUpCount: number) {
  return {
    samples: Array.from({ length: answeredCount }, (_, i) => answered(i, 4 * MIN)),
    hangUps: Array.from({ length: hungUpCount }, (_, i) => hungUp(i, 4 * MIN)),
  };
}

describe('the wait estimator: the next minutes replayed from the agents serving the queue', () => {
  it('one agent: what is left of their conversation, then a whole one (and the time between callers) per place', () => {
    // Busy for 2 of 5 minutes: free after 3 more and the time between two callers.
    const one = busy(1, 2 * MIN);
    expect(estimate({ agents: one }, 1)).toBe(3 * MIN + BETWEEN);
    expect(estimate({ agents: one }, 3)).toBe(3 * MIN + BETWEEN + 2 * (5 * MIN + BETWEEN));
  });

  it('idle agents: the callers at the front are taken within the time between two callers ("less than a minute")', () => {
    const agents = [...free(2), ...busy(4, 1 * MIN)];
    expect(estimate({ agents }, 1)).toBeLessThan(BETWEEN);
    expect(estimate({ agents }, 2)).toBeLessThan(BETWEEN);
    // The third waits for the first busy agent: 4 minutes of talk left, then the time between callers.
    expect(estimate({ agents }, 3)).toBe(4 * MIN + BETWEEN);
  });

  it('how long each agent has talked decides who is free first', () => {
    const talks = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) => m * MIN);
    const justStarted = estimate({ agents: busy(1, 0), handleTimesMs: talks }, 1)!;
    const nearlyDone = estimate({ agents: busy(1, 9 * MIN + 30 * SEC), handleTimesMs: talks }, 1)!;
    expect(nearlyDone).toBeLessThan(justStarted);
    // Talked longer than any recent conversation: it ends soon as far as anyone can tell (the shortest known talk).
    expect(estimate({ agents: busy(1, 20 * MIN), handleTimesMs: talks }, 1)).toBe(2 * MIN + BETWEEN);
  });

  it('agents leaving: the estimate grows at once, from the agents still serving', () => {
    const six = estimate({ agents: busy(6) }, 12)!;
    const three = estimate({ agents: busy(3) }, 12)!;
    expect(six).toBe(5 * MIN + BETWEEN + 5 * MIN + BETWEEN); // places 7–12: the second round of six
    expect(three).toBe(4 * (5 * MIN + BETWEEN)); // places 10–12: the fourth round of three
  });

  it('a burst of answers says nothing about the pace: 20 answers within 2 s after a 10-minute wait change no estimate', () => {
    const burst = Array.from({ length: 20 }, (_, i) => ({ queue: 'tier1' as const, answeredAt: T - 2 * SEC + i * 100, waitedMs: 10 * MIN }));
    expect(estimate({ samples: burst }, 50)).toBe(estimate({}, 50));
    // Position 50 with six agents of five minutes: the ninth round, about 46 minutes (the old model said 5 seconds).
    expect(estimate({}, 50)).toBe(9 * (5 * MIN + BETWEEN));
  });

  it('overnight callbacks ahead: off the line they never hang up, and the morning caller hears a bounded wait, not 661 minutes', () => {
    // 09:00: six agents just came in, 24 callback requests from the night wait ahead of the first live caller.
    const morning = input({ agents: free(6), onLine: [...Array<boolean>(24).fill(false), true], ...patience(40, 20) });
    const model = waitModel(morning, FIXED)!;
    expect(model.hangUpsPerMs).toBeGreaterThan(0);
    const told = model.estimateMs(25);
    // All 24 callbacks are taken first, six at a time: the live caller starts the fifth round.
    expect(told).toBeGreaterThanOrEqual(4 * (5 * MIN + BETWEEN));
    expect(told).toBeLessThan(4 * (5 * MIN + BETWEEN) + BETWEEN);
    // Had they been live callers, some would have hung up and the wait would look shorter.
    expect(waitModel({ ...morning, onLine: [] }, FIXED)!.estimateMs(25)).toBeLessThan(told);
  });

  it('callers ahead who hang up shorten the wait, the more the further back', () => {
    const talks = { handleTimesMs: [3, 4, 4, 5, 5, 5, 6, 6, 7, 8].map((m) => m * MIN) };
    const shortenedBy = (position: number) => estimate(talks, position)! - estimateWaitMs(input({ ...talks, ...patience(40, 20) }), position, FIXED)!;
    expect(shortenedBy(1)).toBe(0);
    expect(shortenedBy(10)).toBeGreaterThan(0);
    expect(shortenedBy(40)).toBeGreaterThan(shortenedBy(10));
  });

  it('no data, no number: no agent serving, agents unknown, or fewer than five talk times', () => {
    expect(estimate({ agents: [] }, 1)).toBeNull();
    expect(estimate({ agents: null }, 1)).toBeNull();
    expect(estimate({ handleTimesMs: [5 * MIN, 5 * MIN, 5 * MIN, 5 * MIN] }, 1)).toBeNull();
    expect(estimate({ handleTimesMs: [5 * MIN, 5 * MIN, 5 * MIN, 5 * MIN, 0, Number.NaN] }, 1)).toBeNull();
    expect(estimate({ handleTimesMs: [5 * MIN, 5 * MIN, 5 * MIN, 5 * MIN, 5 * MIN] }, 1)).not.toBeNull();
  });

  it('a run of dropped calls is not a fast agent: talk times count as 30 s at least', () => {
    expect(estimate({ agents: busy(1), handleTimesMs: Array(10).fill(2 * SEC) }, 2)).toBe(2 * (30 * SEC + BETWEEN));
  });

  it('places beyond the replayed ones grow in proportion', () => {
    const config = { ...FIXED, maxPlaces: 20 };
    const model = waitModel(input({}), config)!;
    expect(model.estimateMs(40)).toBe(Math.ceil(2 * model.estimateMs(20)));
  });

  it('pure: the same figures give the same estimate, whenever asked', () => {
    const figures = input({ agents: [...free(1), ...busy(3, 90 * SEC)], handleTimesMs: [3, 4, 5, 6, 9].map((m) => m * MIN), ...patience(30, 10) });
    expect(estimateWaitMs(figures, 17)).toBe(estimateWaitMs(figures, 17));
    expect(waitModel(figures)!.estimateMs(17)).toBe(estimateWaitMs(figures, 17));
  });

  it('estimates are whole ms, and never decrease with the position, whatever the figures', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 20 * MIN }), { nil: null }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 10 * SEC, max: 30 * MIN }), { minLength: 5, maxLength: 30 }),
        fc.array(fc.boolean(), { maxLength: 30 }),
        fc.integer({ min: 0, max: 20 }),
        (talked, talks, onLine, gaveUp) => {
          const model = waitModel(input({ agents: talked.map((busyForMs) => ({ busyForMs })), handleTimesMs: talks, onLine, ...patience(20, gaveUp) }))!;
          let before = 0;
          for (let position = 1; position <= 30; position += 1) {
            const ms = model.estimateMs(position);
            expect(Number.isInteger(ms)).toBe(true);
            expect(ms).toBeGreaterThanOrEqual(before);
            before = ms;
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('how often callers hang up', () => {
  it('hang-ups per minute waited by everyone who left the queue, answered or not', () => {
    // 10 answered and 10 gave up, each after 4 minutes: 10 hang-ups in 80 minutes waited.
    const { samples, hangUps } = patience(10, 10);
    expect(hangUpRate(samples, hangUps, 20) * MIN).toBeCloseTo(10 / 80);
  });

  it('only over the stretch both lists cover, and nothing from fewer than the minimum of callers', () => {
    const { samples, hangUps } = patience(10, 10);
    // Hang-ups from long before the oldest answer kept: their answered neighbours are gone, they do not count.
    const old = Array.from({ length: 30 }, (_, i) => hungUp(600 + i, 4 * MIN));
    expect(hangUpRate(samples, [...hangUps, ...old], 20)).toBeCloseTo(hangUpRate(samples, hangUps, 20));
    expect(hangUpRate(samples, hangUps, 21)).toBe(0);
    expect(hangUpRate(samples, [], 1)).toBe(0);
  });
});

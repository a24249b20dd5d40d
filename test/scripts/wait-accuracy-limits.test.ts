import { bestShareWithinHalf, limitsOf, type FirstAnnouncement, type SimulatorRules } from '../../scripts/bench/wait-accuracy-limits';
import { DEFAULT_WAIT_MODEL } from '../../src/handoff/waiting-room/wait-estimator';

const SEC = 1000;
const MIN = 60 * SEC;
const FIXED = { ...DEFAULT_WAIT_MODEL, betweenCallsSpread: 0 };
/** Every conversation takes five minutes; no wrap-up, no ring, nobody hangs up, nobody urgent. */
const RULES: SimulatorRules = { wrapUpMs: [0, 0], connectMs: [0, 0], patienceMeanMs: 1e15, urgentShare: 0, arrivalsPerMs: () => 1 / MIN };
const fiveMinutes = Array.from({ length: 10 }, () => 5 * MIN);

function first(position: number, agents: Array<{ busyForMs: number | null; readyInMs: number; shiftEndsInMs?: number }>): FirstAnnouncement {
  return {
    at: 0,
    position,
    urgent: false,
    input: { agents: agents.map(({ busyForMs }) => ({ busyForMs })), handleTimesMs: fiveMinutes, samples: [], hangUps: [], onLine: [] },
    truth: agents.map(({ readyInMs, shiftEndsInMs }) => ({ readyInMs, shiftEndsInMs: shiftEndsInMs ?? 8 * 60 * MIN })),
  };
}

describe('the bench limits: what an estimate could reach', () => {
  it('told when each conversation ends, the wait follows: the first agent free, then a whole conversation and the time between callers', () => {
    const agents = [{ busyForMs: 1 * MIN, readyInMs: 2 * MIN }];
    expect(limitsOf([{ one: first(1, agents), realMs: 2 * MIN }], FIXED, RULES).knewEndsP90).toBe(0);
    expect(limitsOf([{ one: first(2, agents), realMs: 2 * MIN + 5 * MIN + 45 * SEC }], FIXED, RULES).knewEndsP90).toBe(0);
    // Told 2 minutes, waited 4: half wrong.
    expect(limitsOf([{ one: first(1, agents), realMs: 4 * MIN }], FIXED, RULES).knewEndsP90).toBeCloseTo(0.5);
  });

  it("calibration: where the real wait falls among the model's replayed percentiles", () => {
    const agents = [{ busyForMs: 1 * MIN, readyInMs: 2 * MIN }];
    // The model (fixed 45 s between callers) replays 4 minutes left and 45 s in every future.
    expect(limitsOf([{ one: first(1, agents), realMs: 1 * MIN }], FIXED, RULES).belowPercentiles).toEqual([1, 1, 1, 1, 1]);
    expect(limitsOf([{ one: first(1, agents), realMs: 20 * MIN }], FIXED, RULES).belowPercentiles).toEqual([0, 0, 0, 0, 0]);
  });

  it("knowing the simulator's rules: an agent whose shift ends takes no more callers, whatever the model believes", () => {
    // A is nearly done (4.5 of 5 minutes) but off duty in 15 s; B just started: the caller waits for B.
    const agents = [
      { busyForMs: 4.5 * MIN, readyInMs: 0.5 * MIN, shiftEndsInMs: 15 * SEC },
      { busyForMs: 0, readyInMs: 5 * MIN },
    ];
    const limits = limitsOf([{ one: first(1, agents), realMs: 5 * MIN }], FIXED, RULES);
    expect(limits.knewRulesP90).toBe(0);
    expect(limits.ownDrawsP90).toBe(0);
    // The model, not knowing the shift, expected A: its replayed waits all lie far under the real one.
    expect(limits.belowPercentiles).toEqual([0, 0, 0, 0, 0]);
    expect(limits.callers).toBe(1);
    // Every future agrees (5 minutes, for the same reason): one number is within 50 % of all of them.
    expect(limits.withinHalfCeiling).toBe(1);
  });

  describe('the ceiling: the largest share of futures one number is within 50 % of', () => {
    it('all the same wait: all of them; waits doubling each time: two at most', () => {
      expect(bestShareWithinHalf([5 * MIN, 5 * MIN, 5 * MIN])).toBe(1);
      // 2 min accepts 1–3, 4 min 2–6: no number is within half of three of 1, 2, 4 and 8 minutes.
      expect(bestShareWithinHalf([1 * MIN, 2 * MIN, 4 * MIN, 8 * MIN])).toBe(0.5);
    });

    it('under a minute the error is on one minute: 10 s and 40 s are both within half of 25 s', () => {
      expect(bestShareWithinHalf([10 * SEC, 40 * SEC])).toBe(1);
      expect(bestShareWithinHalf([10 * SEC, 90 * SEC])).toBe(0.5);
    });

    it('a future never answered counts against every number; no futures, no share', () => {
      expect(bestShareWithinHalf([3 * MIN, Infinity])).toBe(0.5);
      expect(bestShareWithinHalf([])).toBe(0);
    });

    it('a wait as uncertain as it is long (exponential, 10 minutes on average): no number is within 50 % of more than about 40 % of it', () => {
      const n = 1000;
      const waits = Array.from({ length: n }, (_, i) => -Math.log(1 - (i + 0.5) / n) * 10 * MIN);
      // Analytically exp(−2e/3) − exp(−2e) at its best, e = 0.82 of the mean: 0.385 (the one-minute floor adds a little).
      expect(bestShareWithinHalf(waits)).toBeGreaterThan(0.37);
      expect(bestShareWithinHalf(waits)).toBeLessThan(0.42);
    });
  });
});

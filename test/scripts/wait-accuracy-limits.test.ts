import { limitsOf, type FirstAnnouncement, type SimulatorRules } from '../../scripts/bench/wait-accuracy-limits';
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
  });
});

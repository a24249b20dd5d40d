import fc from 'fast-check';
import { parseBusinessHours } from '../../../src/hours/business-hours';
import { DEFAULT_WAIT_MODEL, estimateWaitMs, handleTimeMs, median, waitForPosition, waitModel, type WaitModelInput } from '../../../src/handoff/waiting-room/wait-estimator';
import { openAt, openSince, WaitSampleLog, type WaitSample } from '../../../src/handoff/waiting-room/wait-samples';

const MIN = 60_000;
const at = (clock: string, day = 10) => Date.parse(`2026-03-${String(day).padStart(2, '0')}T${clock}:00+08:00`);
const open = openAt(parseBusinessHours('mon-sun 09:00-21:00'), 'Asia/Shanghai');

/** An injected clock: every test moves it by hand. */
class TestClock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

const sample = (answeredAt: number, waitedMs = 3 * MIN): WaitSample => ({ queue: 'tier1', answeredAt, waitedMs });
/** `count` answers evenly spread over the `spanMs` before `now`. */
const spread = (now: number, count: number, spanMs: number): WaitSample[] =>
  Array.from({ length: count }, (_, i) => sample(now - spanMs + ((i + 1) * spanMs) / count));
const fiveMinuteCalls = Array.from({ length: 10 }, () => 5 * MIN);

const input = (overrides: Partial<WaitModelInput>): WaitModelInput => ({
  samples: [],
  handleTimesMs: fiveMinuteCalls,
  agentsServing: null,
  now: at('11:00'),
  ...overrides,
});

describe('the wait estimator', () => {
  it('steady load: position p waits p answers at the window pace', () => {
    const now = at('11:00');
    // 30 answers in 30 minutes with 6 agents of 5 minutes (capacity 1.2/min): pace 1/min.
    const model = waitModel(input({ samples: spread(now, 30, 30 * MIN), agentsServing: 6, now }))!;
    expect(model.basis).toBe('observed');
    expect(model.pacePerMinute).toBeCloseTo(1);
    expect(waitForPosition(model, 4)).toBe(3.5 * MIN); // three ahead, then half a spacing
  });

  it('overnight callbacks: none of them is a sample, so the morning caller hears a capacity estimate, not 661 minutes', () => {
    const log = new WaitSampleLog(open);
    const clock = new TestClock(at('09:00', 11));
    // 40 callback requests from the night, answered from 09:00 on, each one "waited" all night.
    for (let i = 0; i < 40; i += 1) {
      clock.advance(15_000);
      const requestedAt = at('21:30') + i * 10 * MIN;
      log.recordAnswer({ queue: 'tier1', answeredAt: clock.now(), waitedMs: clock.now() - requestedAt, callbackRequested: true });
    }
    const now = clock.now();
    const samples = log.recent('tier1', now);
    expect(samples).toHaveLength(0);
    const estimate = estimateWaitMs({ samples, handleTimesMs: fiveMinuteCalls, agentsServing: 6, now, openSince: openSince(now, open) }, 5);
    // 5 places at 6 agents / 5 minutes.
    expect(estimate).toBe(Math.ceil((4.5 / 1.2) * MIN));
    expect(estimate!).toBeLessThan(60 * MIN);
  });

  it('a burst of 20 answers within 2 s cannot make the pace faster than the agents serving the queue', () => {
    const clock = new TestClock(at('14:00'));
    const steady = spread(clock.now(), 15, 30 * MIN);
    const burst = Array.from({ length: 20 }, (_, i) => sample(clock.now() + i * 100, 10 * MIN));
    clock.advance(2_000);
    const model = waitModel(input({ samples: [...steady, ...burst], agentsServing: 4, now: clock.now() }))!;
    // 35 answers in the window would be 1.17/min; four 5-minute agents do 0.8/min.
    expect(model.basis).toBe('capped');
    expect(model.pacePerMinute).toBeCloseTo(0.8);
    expect(waitForPosition(model, 50)).toBe(Math.ceil((49.5 / 0.8) * MIN)); // 62 min, not 5 s
    expect(waitForPosition(model, 50)).toBeGreaterThan(60 * MIN);
  });

  it('a burst counts over at least five minutes when agents are unknown', () => {
    const now = at('14:00') + 2_000;
    const burst = Array.from({ length: 20 }, (_, i) => sample(at('14:00') + i * 100, 10 * MIN));
    const model = waitModel(input({ samples: burst, agentsServing: null, now, openSince: now - 10_000 }))!;
    expect(model.pacePerMinute).toBeCloseTo(4);
    expect(waitForPosition(model, 50)).toBe(Math.ceil((49.5 / 4) * MIN));
  });

  it('agents leaving: the estimate grows at once though the window still remembers them', () => {
    const now = at('16:00');
    const samples = spread(now, 30, 30 * MIN); // 1/min with six agents
    const before = estimateWaitMs(input({ samples, agentsServing: 6, now }), 10)!;
    const after = estimateWaitMs(input({ samples, agentsServing: 2, now }), 10)!;
    expect(before).toBe(9.5 * MIN);
    expect(after).toBe(23.75 * MIN); // two 5-minute agents: 0.4/min
    expect(waitModel(input({ samples, agentsServing: 2, now }))!.basis).toBe('capped');
  });

  it('no agent serving the queue: no number', () => {
    const now = at('16:00');
    expect(estimateWaitMs(input({ samples: spread(now, 30, 30 * MIN), agentsServing: 0, now }), 1)).toBeNull();
  });

  it('no data: no samples and no agents known gives no number; two samples are not a pace', () => {
    const now = at('10:00');
    expect(estimateWaitMs(input({ samples: [], agentsServing: null, now }), 1)).toBeNull();
    expect(estimateWaitMs(input({ samples: spread(now, 2, 10 * MIN), agentsServing: null, now }), 1)).toBeNull();
    expect(estimateWaitMs(input({ samples: spread(now, 3, 10 * MIN), agentsServing: null, now }), 1)).not.toBeNull();
  });

  it('samples older than the window are dropped by the estimator too', () => {
    const now = at('12:00');
    const stale = spread(now - 40 * MIN, 30, 30 * MIN);
    expect(waitModel(input({ samples: stale, agentsServing: null, now }))).toBeNull();
    expect(waitModel(input({ samples: stale, agentsServing: 3, now }))!.basis).toBe('capacity');
  });

  it('one agent: each place costs the median handle time', () => {
    const now = at('10:30');
    // Ten answers in the window (the agent cleared a run of short calls), one 5-minute agent.
    const model = waitModel(input({ samples: spread(now, 10, 30 * MIN), agentsServing: 1, now }))!;
    expect(model.basis).toBe('capped');
    expect(model.pacePerMinute).toBeCloseTo(0.2);
    expect(waitForPosition(model, 3)).toBe(12.5 * MIN);
    // With no answers yet, the agent's handle time alone: half of it for the one at the front.
    expect(estimateWaitMs(input({ samples: [], agentsServing: 1, now }), 1)).toBe(2.5 * MIN);
    expect(estimateWaitMs(input({ samples: [], agentsServing: 1, now }), 1, { ...DEFAULT_WAIT_MODEL, placeOffset: 1 })).toBe(5 * MIN);
  });

  it('callbacks dialled back in open hours move the line: counted in the pace, never as waits', () => {
    const now = at('09:20', 11);
    const callbacks = Array.from({ length: 20 }, (_, i) => at('09:00', 11) + (i + 1) * MIN);
    const model = waitModel(input({ samples: [], otherAnswers: callbacks, agentsServing: 6, now, openSince: at('09:00', 11) }))!;
    expect(model.basis).toBe('observed');
    expect(model.pacePerMinute).toBeCloseTo(1);
  });

  it('the morning: pace is answers since opening, not per 30 minutes', () => {
    const now = at('09:10');
    const samples = spread(now, 10, 10 * MIN); // 1/min since 09:00
    const model = waitModel(input({ samples, agentsServing: 6, now, openSince: openSince(now, open) }))!;
    expect(model.pacePerMinute).toBeCloseTo(1);
  });

  it('median handle time: measured with enough talk times, the default otherwise, never below the floor', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(handleTimeMs([MIN, 2 * MIN])).toBe(DEFAULT_WAIT_MODEL.defaultHandleMs);
    expect(handleTimeMs([7, 8, 9, 10, 11].map((m) => m * MIN))).toBe(9 * MIN);
    expect(handleTimeMs([1, 2, 3, 4, 5].map((s) => s * 1000))).toBe(DEFAULT_WAIT_MODEL.handleFloorMs);
  });

  it('estimates are non-decreasing with position for callers waiting at the same moment', () => {
    const now = at('12:00');
    const arbitrarySamples = fc.array(fc.integer({ min: 0, max: 40 * MIN }), { maxLength: 80 }).map((offsets) => offsets.map((o) => sample(now - o)));
    fc.assert(
      fc.property(
        arbitrarySamples,
        fc.array(fc.integer({ min: 1, max: 40 * MIN }), { maxLength: 20 }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 200 }),
        (samples, handleTimesMs, agentsServing, a, b) => {
          const [lower, higher] = a <= b ? [a, b] : [b, a];
          const model = { samples, handleTimesMs, agentsServing, now };
          const first = estimateWaitMs(model, lower);
          const second = estimateWaitMs(model, higher);
          if (first === null || second === null) return first === second; // no number for anyone, or a number for all
          return first <= second && first > 0;
        },
      ),
      { seed: 12, numRuns: 500 },
    );
  });
});

import fc from 'fast-check';

/** How Twilio delivers one webhook: at once, some time later (or at the very end), or never. */
export type Delivery = 'now' | 'late' | 'lost';

/**
 * One thing that happens in a chaos run, as data (fast-check generates, prints and shrinks them).
 * `c` picks among the calls the command applies to when it runs (modulo their number), `a` an
 * agent (alice, bob, carol), `i` the app instance a request goes to; a command that applies to
 * nobody does nothing.
 */
export type Command =
  | { t: 'join'; i: number }
  | { t: 'wait'; c: number; i: number }
  | { t: 'press1'; c: number; i: number }
  | { t: 'hangUp'; c: number; i: number; status: Delivery | 'dup'; action: Delivery }
  | { t: 'claim'; a: number; i: number; double: boolean }
  | { t: 'available'; a: number; i: number }
  | { t: 'answer'; c: number; i: number; twice: boolean }
  | { t: 'noAnswer'; c: number; i: number; status: 'no-answer' | 'busy' | 'failed' }
  | { t: 'agentHangUp'; c: number; i: number }
  | { t: 'escalate'; a: number; c: number; i: number; mode: 'once' | 'double' | 'with-wrap-up' }
  | { t: 'wrapUp'; a: number; c: number; i: number; double: boolean }
  | { t: 'survey'; c: number; i: number; digit: string }
  | { t: 'calleeAnswers'; c: number }
  | { t: 'calleeMisses'; c: number; i: number; status: Delivery }
  | { t: 'fault'; kind: 'terminal' | 'transient' }
  | { t: 'deliver'; k: number; i: number }
  | { t: 'replay'; k: number; i: number }
  | { t: 'advance'; ms: number; sweep: number[] }
  | { t: 'drop'; i: number; how: 'disconnect' | 'kill'; ticks: number; inner: Command }
  | { t: 'together'; a: Command; b: Command };

export const INSTANCES = 3;
export const AGENTS = ['alice', 'bob', 'carol'] as const;
export const TOKENS = ['alice-demo-token', 'bob-demo-token', 'carol-demo-token'] as const;

const i = fc.nat({ max: INSTANCES - 1 });
const a = fc.nat({ max: AGENTS.length - 1 });
const c = fc.nat({ max: 40 });
const delivery = fc.constantFrom<Delivery>('now', 'now', 'late', 'lost');

/** The commands that touch one thing; `drop` and `together` wrap them. */
const simple: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('join' as const), i }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('wait' as const), c, i }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('press1' as const), c, i }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('hangUp' as const), c, i, status: fc.constantFrom<Delivery | 'dup'>('now', 'now', 'late', 'lost', 'dup'), action: delivery }),
  },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('claim' as const), a, i, double: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('available' as const), a, i }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('answer' as const), c, i, twice: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('noAnswer' as const), c, i, status: fc.constantFrom('no-answer' as const, 'busy' as const, 'failed' as const) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('agentHangUp' as const), c, i }) },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('escalate' as const), a, c, i, mode: fc.constantFrom('once' as const, 'double' as const, 'with-wrap-up' as const) }),
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('wrapUp' as const), a, c, i, double: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('survey' as const), c, i, digit: fc.constantFrom('1', '4', '5', '9') }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('calleeAnswers' as const), c }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('calleeMisses' as const), c, i, status: delivery }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('fault' as const), kind: fc.constantFrom('terminal' as const, 'transient' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('deliver' as const), k: fc.nat({ max: 40 }), i }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('replay' as const), k: fc.nat({ max: 400 }), i }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('advance' as const),
      ms: fc.constantFrom(1_000, 5_000, 12_000, 21_000, 31_000, 45_000, 90_000, 185_000),
      sweep: fc.subarray([0, 1, 2]),
    }),
  },
);

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 20, arbitrary: simple },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('drop' as const), i, how: fc.constantFrom('disconnect' as const, 'kill' as const), ticks: fc.nat({ max: 3 }), inner: simple }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('together' as const), a: simple, b: simple }) },
);

export interface Scenario {
  callers: number;
  commands: Command[];
  /** For each call still held at the end: does its agent wrap it up (or let the window pass)? */
  finalWrapUps: boolean[];
}

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  callers: fc.integer({ min: 10, max: 16 }),
  commands: fc.array(commandArb, { minLength: 40, maxLength: 110 }),
  finalWrapUps: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
});

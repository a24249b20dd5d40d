/**
 * How good could any estimate be on the bench's days? (`npm run bench:wait -- --limits`, issue 12)
 * For each live answered caller's first announcement the bench keeps what the waiting room saw
 * (the model's inputs) and what only the simulation knows (when each agent will next take a
 * caller). From these, per stretch and day:
 *   calibration       the share of real waits under the model's replayed 1st/10th/50th/90th/99th
 *                     percentiles (a calibrated model: about 1/10/50/90/99 %)
 *   knew the ends     the model, told when each conversation in progress (and its wrap-up) ends
 *   knew the rules    a replay with the simulator's own rules — talk times from the recent ones
 *                     (as the model), wrap-ups, rings, urgent callers jumping ahead, patience,
 *                     the shifts' ends — but not its draws: what no runtime figure tells. Scored
 *                     on the real waits, and on waits drawn from that replay itself (the p90 an
 *                     exactly right model would reach; each caller's outcome drawn apart, so days
 *                     vary less than real ones)
 *   ceiling           from the same replay, the largest share of its futures that any one number is
 *                     within 50 % of: averaged over the callers, the share of callers within 50 % no
 *                     estimate knowing the rules (but not the draws) can exceed, however it chooses
 *                     — the p90 goal needs 90 %
 * Each is announced as the model announces (wait-guess.ts, the same late weight), for the
 * caller's own place (no "never less than the place before").
 */
import { hangUpRate, type WaitModelConfig, type WaitModelInput } from '../../src/handoff/waiting-room/wait-estimator';
import { bestGuess } from '../../src/handoff/waiting-room/wait-guess';
import { replayWaits, seededRandom } from '../../src/handoff/waiting-room/wait-replay';
import { percentile } from './figures';

/** What the bench keeps of one live caller's first announcement. */
export interface FirstAnnouncement {
  at: number;
  position: number;
  urgent: boolean;
  input: WaitModelInput & { agents: NonNullable<WaitModelInput['agents']> };
  /** Per agent of `input.agents` (same order): ms until they take their next caller, and until their shift ends. */
  truth: Array<{ readyInMs: number; shiftEndsInMs: number }>;
}

/** The simulator's rules, as `--limits` may know them. */
export interface SimulatorRules {
  wrapUpMs: [number, number];
  connectMs: [number, number];
  patienceMeanMs: number;
  urgentShare: number;
  /** Live calls per ms at a moment. */
  arrivalsPerMs(at: number): number;
}

export interface LimitsOfDay {
  /** Per stretch: the real waits' places in the model's replay, and relative errors of each bound. */
  [stretch: string]: { belowPercentiles: number[]; callers: number; knewEndsP90: number; knewRulesP90: number; ownDrawsP90: number; withinHalfCeiling: number };
}

const FUTURES = 400;
const MIN = 60_000;
const PERCENTILES = [1, 10, 50, 90, 99];
const relativeError = (told: number, real: number) => Math.abs(told - real) / Math.max(real, MIN);
const uniform = (random: () => number, [low, high]: [number, number]) => low + random() * (high - low);

/** The waits of `place` over `futures`, the agents' first free moments drawn by `start`; `urgent` callers arrive ahead of a normal caller. */
function replayPlace(
  one: FirstAnnouncement,
  talks: readonly number[],
  rules: { between: (random: () => number) => number; hangUpsPerMs: number; shifts: boolean; urgentAhead: ((at: number) => number) | null },
  start: (random: () => number) => number[],
  seed: number,
  futures = FUTURES,
): number[] {
  const seeds = seededRandom(seed);
  const waits: number[] = [];
  for (let future = 0; future < futures; future += 1) {
    const random = seededRandom(Math.floor(seeds() * 2 ** 32));
    const free = start(random).map((at, i) => ({ at, until: rules.shifts ? one.truth[i]!.shiftEndsInMs : Infinity }));
    let ahead = one.position - 1;
    let nextUrgent = rules.urgentAhead && !one.urgent ? -Math.log(1 - random()) / rules.urgentAhead(one.at) : Infinity;
    for (;;) {
      const open = free.filter((agent) => agent.at < agent.until);
      if (open.length === 0) {
        waits.push(Infinity);
        break;
      }
      const agent = open.reduce((first, other) => (other.at < first.at ? other : first));
      while (nextUrgent <= agent.at) {
        ahead += 1;
        nextUrgent += -Math.log(1 - random()) / rules.urgentAhead!(one.at + nextUrgent);
      }
      // Callers ahead on the line who gave up before this moment leave their place.
      while (ahead > 0 && one.input.onLine[one.position - 1 - ahead] !== false && rules.hangUpsPerMs > 0 && -Math.log(1 - random()) / rules.hangUpsPerMs < agent.at) ahead -= 1;
      if (ahead === 0) {
        waits.push(agent.at);
        break;
      }
      ahead -= 1;
      agent.at += talks[Math.floor(random() * talks.length)]! + rules.between(random);
    }
  }
  return waits;
}

/** A conversation's remaining talk: a recent talk time longer than what was talked (as the model). */
function remaining(talks: readonly number[], talked: number, random: () => number): number {
  const longer = talks.filter((ms) => ms > talked);
  return longer.length > 0 ? longer[Math.floor(random() * longer.length)]! - talked : talks[0]!;
}

/**
 * The largest share of `waits` (Infinity: never answered) that one number is within 50 % of, by
 * the bench's error |told − wait| / max(wait, 1 min): each wait accepts the numbers within half of
 * max(wait, 1 min) of it, and the best number is where most of these intervals overlap (at one of
 * their lower ends).
 */
export function bestShareWithinHalf(waits: readonly number[]): number {
  if (waits.length === 0) return 0;
  const intervals = waits.filter(Number.isFinite).map((wait) => {
    const half = Math.max(wait, MIN) / 2;
    return [wait - half, wait + half] as const;
  });
  let best = 0;
  for (const [candidate] of intervals) {
    let covered = 0;
    for (const [low, high] of intervals) if (low <= candidate && candidate <= high) covered += 1;
    best = Math.max(best, covered);
  }
  return best / waits.length;
}

function guess(waits: number[], lateWeight: number): number {
  return bestGuess(Float64Array.from(waits.filter(Number.isFinite)), lateWeight);
}

/** The limits of one stretch of one day, from the first announcements in it and their real waits. */
export function limitsOf(firsts: Array<{ one: FirstAnnouncement; realMs: number }>, config: WaitModelConfig, rules: SimulatorRules): LimitsOfDay[string] {
  const below = PERCENTILES.map(() => 0);
  const knewEnds: number[] = [];
  const knewRules: number[] = [];
  const ownDraws: number[] = [];
  const ceilings: number[] = [];
  firsts.forEach(({ one, realMs }, index) => {
    const talks = one.input.handleTimesMs.map((ms) => Math.max(ms, config.handleFloorMs)).sort((a, b) => a - b);
    const place = Math.min(one.position, config.maxPlaces);
    const modelWaits = Array.from(
      replayWaits({
        agents: one.input.agents.map((agent) => agent.busyForMs),
        talksMs: talks,
        betweenCallsMs: config.betweenCallsMs,
        betweenCallsSpread: config.betweenCallsSpread,
        hangUpsPerMs: hangUpRate(one.input.samples, one.input.hangUps, config.minPatienceSamples),
        onLine: one.input.onLine,
        places: place,
        futures: FUTURES,
        seed: config.seed,
      }).subarray((place - 1) * FUTURES, place * FUTURES),
    ).sort((a, b) => a - b);
    PERCENTILES.forEach((p, i) => {
      if (realMs < percentile(modelWaits, p)) below[i] = below[i]! + 1;
    });
    const model = { between: (random: () => number) => config.betweenCallsMs * (1 + config.betweenCallsSpread * (2 * random() - 1)), hangUpsPerMs: hangUpRate(one.input.samples, one.input.hangUps, config.minPatienceSamples), shifts: false, urgentAhead: null };
    const ends = replayPlace(one, talks, model, () => one.truth.map((agent) => agent.readyInMs), config.seed);
    knewEnds.push(relativeError(guess(ends, config.lateWeight), realMs));
    const simulator = {
      between: (random: () => number) => uniform(random, rules.connectMs) + uniform(random, rules.wrapUpMs),
      hangUpsPerMs: 1 / rules.patienceMeanMs,
      shifts: true,
      urgentAhead: (at: number) => Math.max(1e-12, rules.urgentShare * rules.arrivalsPerMs(at)),
    };
    const start = (random: () => number) =>
      one.input.agents.map((agent) => (agent.busyForMs === null ? random() * config.betweenCallsMs : remaining(talks, agent.busyForMs, random) + uniform(random, rules.wrapUpMs)));
    const rulesWaits = replayPlace(one, talks, simulator, start, config.seed);
    const told = guess(rulesWaits, config.lateWeight);
    knewRules.push(relativeError(told, realMs));
    ceilings.push(bestShareWithinHalf(rulesWaits));
    const drawn = replayPlace(one, talks, simulator, start, config.seed + 1 + index, 1)[0]!;
    if (Number.isFinite(drawn)) ownDraws.push(relativeError(told, drawn));
  });
  const p90 = (errors: number[]) => percentile([...errors].sort((a, b) => a - b), 90);
  return {
    belowPercentiles: below.map((count) => count / Math.max(1, firsts.length)),
    callers: firsts.length,
    knewEndsP90: p90(knewEnds),
    knewRulesP90: p90(knewRules),
    ownDrawsP90: p90(ownDraws),
    withinHalfCeiling: ceilings.reduce((sum, share) => sum + share, 0) / Math.max(1, ceilings.length),
  };
}

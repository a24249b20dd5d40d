import { DEFAULT_WINDOW_MS, type WaitSample } from './wait-samples';

/**
 * Estimated wait for position p of a queue (SPEC §4, issue 12). Replaces the previous model (kept in
 * scripts/bench/previous-wait-model.ts for the accuracy bench), whose "min(mean wait, spacing of the last 50 answers)" took a burst's spacing for the queue's
 * pace and counted overnight callbacks as waits.
 *
 * A queue moves one place per answer, so what is left for the caller at position p is p answers:
 *   observed  = answers in the window / minutes the window was open           (answers per minute)
 *                 window = the last 30 min, or since the queue opened if that is later
 *                 (at least MIN_SPAN so three answers in the first seconds are not a pace)
 *   handle    = median talk time of the last conversations, never below HANDLE_FLOOR;
 *                 the configured default while there are too few of them
 *   capacity  = agents serving the queue now (available or busy) / handle     (answers per minute)
 *   pace      = min(observed, capacity)        with ≥ MIN_SAMPLES answers in the window
 *             = capacity                       with fewer answers and agents known
 *             = none                           with fewer answers and agents unknown,
 *                                              or no agent serving the queue at all
 *   EWT(p)    = (p − ½) / pace     the p − 1 callers ahead, and on average half a spacing until the
 *                                  next agent is free (placeOffset; 1 gives the plain p / pace)
 * The capacity cap is why a burst (20 answers within 2 s after a 10-minute wait) cannot make the
 * queue look faster than its agents can go, and why the estimate grows at once when agents leave
 * (the window still remembers them). With few agents it is the handle time that decides: one agent
 * with a 5-minute median means 5 minutes a place. The observed rate wins when it is
 * slower: agents who also serve the other tier, long wrap-ups, claims that take a while. Only
 * samples that pass wait-samples.ts's rule feed it (live callers answered in business hours).
 * Pure: the clock is `now`, the caller brings the samples and the agent count.
 */
export interface WaitModelConfig {
  windowMs: number;
  /** Fewer answers in the window than this are not a pace. */
  minSamples: number;
  /** The shortest stretch a pace is measured over, so the first minutes after opening are not noise. */
  minSpanMs: number;
  /** Median talk time used while fewer than `minHandleSamples` talk times are known. */
  defaultHandleMs: number;
  minHandleSamples: number;
  /** The median never counts as shorter than this (a run of hang-ups is not a fast agent). */
  handleFloorMs: number;
  /**
   * Places before the caller's own turn comes, in spacings: EWT(p) = (p − 1 + placeOffset) / pace.
   * 1 is the plain p / pace; 0.5 says the next free agent is on average half a spacing away.
   */
  placeOffset: number;
}

export const DEFAULT_WAIT_MODEL: WaitModelConfig = {
  windowMs: DEFAULT_WINDOW_MS,
  minSamples: 3,
  minSpanMs: 5 * 60_000,
  defaultHandleMs: 5 * 60_000,
  minHandleSamples: 5,
  handleFloorMs: 60_000,
  placeOffset: 0.5,
};

export interface WaitModelInput {
  /** Samples of this queue that passed the rule; the estimator keeps those within the window. */
  samples: readonly WaitSample[];
  /**
   * Epoch ms of the other answers that moved the queue on during open hours: callbacks dialled
   * back (not wait samples, but each took the place at the head of the line). Counted in the pace.
   */
  otherAnswers?: readonly number[];
  /** Recent talk times of this queue's conversations. */
  handleTimesMs: readonly number[];
  /** Agents serving the queue now (available or busy); null when unknown. */
  agentsServing: number | null;
  now: number;
  /**
   * Epoch ms since which the queue has been open without a break (wait-samples.ts `openSince`);
   * omitted: open for the whole window.
   */
  openSince?: number;
}

export type PaceBasis = 'observed' | 'capped' | 'capacity';

export interface WaitModel {
  /** Places per minute. */
  pacePerMinute: number;
  /** observed: the window's rate; capped: the window was faster than the agents could go; capacity: too few answers. */
  basis: PaceBasis;
  answersInWindow: number;
  observedPerMinute: number | null;
  capacityPerMinute: number | null;
  handleMs: number;
}

const MINUTE_MS = 60_000;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function handleTimeMs(handleTimesMs: readonly number[], config: WaitModelConfig = DEFAULT_WAIT_MODEL): number {
  const valid = handleTimesMs.filter((ms) => Number.isFinite(ms) && ms > 0);
  const measured = valid.length >= config.minHandleSamples ? median(valid) : null;
  return Math.max(config.handleFloorMs, measured ?? config.defaultHandleMs);
}

/** The queue's pace now, or null when the caller should hear no number. */
export function waitModel(input: WaitModelInput, config: WaitModelConfig = DEFAULT_WAIT_MODEL): WaitModel | null {
  const { now, agentsServing } = input;
  if (agentsServing !== null && agentsServing <= 0) return null;
  const windowStart = Math.max(now - config.windowMs, input.openSince ?? -Infinity);
  const inside = (at: number) => at > windowStart && at <= now;
  const answers =
    input.samples.filter((s) => inside(s.answeredAt)).length + (input.otherAnswers ?? []).filter(inside).length;
  const handleMs = handleTimeMs(input.handleTimesMs, config);
  const capacity = agentsServing === null ? null : (agentsServing * MINUTE_MS) / handleMs;
  const spanMs = Math.max(config.minSpanMs, now - windowStart);
  const observed = answers >= config.minSamples ? (answers * MINUTE_MS) / spanMs : null;

  let pace: number;
  let basis: PaceBasis;
  if (observed !== null && capacity !== null) {
    basis = observed > capacity ? 'capped' : 'observed';
    pace = Math.min(observed, capacity);
  } else if (observed !== null) {
    basis = 'observed';
    pace = observed;
  } else if (capacity !== null) {
    basis = 'capacity';
    pace = capacity;
  } else {
    return null;
  }
  return { pacePerMinute: pace, basis, answersInWindow: answers, observedPerMinute: observed, capacityPerMinute: capacity, handleMs };
}

/** EWT for 1-based `position` under `model`, in ms (rounded up). */
export function waitForPosition(model: WaitModel, position: number, config: WaitModelConfig = DEFAULT_WAIT_MODEL): number {
  return Math.ceil(((Math.max(1, position) - 1 + config.placeOffset) / model.pacePerMinute) * MINUTE_MS);
}

/** The whole estimate in one call: null when the caller should hear no number. */
export function estimateWaitMs(input: WaitModelInput, position: number, config: WaitModelConfig = DEFAULT_WAIT_MODEL): number | null {
  const model = waitModel(input, config);
  return model === null ? null : waitForPosition(model, position, config);
}

import { bestGuess } from './wait-guess';
import { replayWaits } from './wait-replay';
import type { HangUpSample, WaitSample } from './wait-samples';

/**
 * Estimated wait for position p of a queue (SPEC §4, issue 12), from the agents serving the queue
 * now and what the queue has shown lately — not from the pace of recent answers, which counts
 * arrivals when agents idle between callers and a burst's spacing when answers come in a rush.
 *   agents      serving the queue now: available, and not first taking callers of a queue they
 *               prefer that has someone waiting (queues-now.ts); each free, or busy for so long
 *   talk times  the queue's recent conversations (at least `minHandleSamples`, else no number)
 *   hang-ups    per minute waited: live callers who hung up while waiting / minutes waited by
 *               them and by the live callers answered (open hours only), over the stretch both
 *               kept lists cover — patience is the callers', not the shift's; callers ahead who
 *               asked for a callback are off the line and never hang up
 * wait-replay.ts replays the next minutes `futures` times from these; the estimate for p is the
 * wait with the least expected error over p's replayed waits — relative error, and being told too
 * little (wait-guess.ts) — and never less than the estimate for p − 1. No agent serving the
 * queue, or too few talk times: no number.
 * Pure: no clock of its own — the caller brings the figures and the agents as they are now.
 */
export interface WaitModelConfig {
  /** Fewer callers answered or hung up than this over the figures kept: nobody is assumed to hang up. */
  minPatienceSamples: number;
  /** Fewer talk times than this: the caller hears no number. */
  minHandleSamples: number;
  /** A talk time counts as at least this (a dropped call is not a fast agent). */
  handleFloorMs: number;
  /** What an agent takes between two callers: wrap-up, taking the next caller, the ring. */
  betweenCallsMs: number;
  /** Each time between callers is drawn within ± this share of `betweenCallsMs`. */
  betweenCallsSpread: number;
  /** Futures replayed. */
  futures: number;
  /** Places replayed one by one; beyond, the wait grows in proportion to the place. */
  maxPlaces: number;
  seed: number;
  /** wait-guess.ts: the error counted for a caller left waiting more than a minute beyond what was said; 0: relative error only. */
  lateWeight: number;
}

export const DEFAULT_WAIT_MODEL: WaitModelConfig = {
  minPatienceSamples: 20,
  minHandleSamples: 5,
  handleFloorMs: 30_000,
  betweenCallsMs: 45_000,
  betweenCallsSpread: 0.5,
  futures: 400,
  maxPlaces: 200,
  seed: 0x5eed,
  lateWeight: 0.5,
};

/** An agent serving the queue now. */
export interface AgentNow {
  /** Talked so far on the call they hold (0 while it rings); null when holding none (free, or wrapping up). */
  busyForMs: number | null;
}

export interface WaitModelInput {
  /** Agents serving the queue now; null when unknown. */
  agents: readonly AgentNow[] | null;
  /** Recent talk times of this queue's conversations. */
  handleTimesMs: readonly number[];
  /** Waits of live callers answered (wait-samples.ts's rule), the newest kept. */
  samples: readonly WaitSample[];
  /** Live callers who hung up while waiting (the same rule), the newest kept. */
  hangUps: readonly HangUpSample[];
  /** Who waits, in order from place 1 (as far as known): true on the line, false a callback request. */
  onLine: readonly boolean[];
}

/** The fewest places replayed at once. */
const MIN_REPLAYED = 16;

/**
 * Hang-ups per ms waited, per caller, since both lists began (the longer list would otherwise
 * count hang-ups whose answered neighbours were dropped); 0 with fewer than `minCallers` in it.
 */
export function hangUpRate(samples: readonly WaitSample[], hangUps: readonly HangUpSample[], minCallers: number): number {
  const since = Math.max(Math.min(...samples.map((s) => s.answeredAt)), Math.min(...hangUps.map((h) => h.hungUpAt)));
  const gaveUp = hangUps.filter((h) => h.hungUpAt >= since);
  const answered = samples.filter((s) => s.answeredAt >= since);
  if (gaveUp.length === 0 || gaveUp.length + answered.length < minCallers) return 0;
  const waited = [...gaveUp.map((h) => h.waitedMs), ...answered.map((s) => s.waitedMs)].reduce((sum, ms) => sum + Math.max(0, ms), 0);
  return waited > 0 ? gaveUp.length / waited : 0;
}

/** A queue's model at one moment: the estimate of each place, computed once as far as asked. */
export class WaitModel {
  private estimates: number[] = [];

  constructor(
    readonly agents: readonly AgentNow[],
    /** Ascending, floored. */
    readonly talksMs: readonly number[],
    readonly hangUpsPerMs: number,
    readonly onLine: readonly boolean[],
    private readonly config: WaitModelConfig,
  ) {}

  /** Agents serving the queue (the announcement memory compares it between rounds). */
  get agentsServing(): number {
    return this.agents.length;
  }

  /** EWT for 1-based `position`, in ms (rounded up). */
  estimateMs(position: number): number {
    const place = Math.max(1, Math.floor(position));
    const replayed = Math.min(place, this.config.maxPlaces);
    // Replayed at least twice as far as before, so callers asking place after place cost few replays.
    if (this.estimates.length < replayed) this.replay(Math.min(this.config.maxPlaces, Math.max(replayed, 2 * this.estimates.length, MIN_REPLAYED)));
    const estimate = this.estimates[replayed - 1]!;
    return Math.ceil(place > replayed ? (estimate * place) / replayed : estimate);
  }

  private replay(places: number): void {
    const { futures } = this.config;
    const waits = replayWaits({
      agents: this.agents.map((agent) => agent.busyForMs),
      talksMs: this.talksMs,
      betweenCallsMs: this.config.betweenCallsMs,
      betweenCallsSpread: this.config.betweenCallsSpread,
      hangUpsPerMs: this.hangUpsPerMs,
      onLine: this.onLine,
      places,
      futures,
      seed: this.config.seed,
    });
    const estimates: number[] = [];
    for (let place = 0; place < places; place += 1) {
      const guess = bestGuess(waits.subarray(place * futures, (place + 1) * futures), this.config.lateWeight);
      estimates.push(Math.max(guess, estimates[place - 1] ?? 0));
    }
    this.estimates = estimates;
  }
}

/** The queue's model now, or null when the caller should hear no number. */
export function waitModel(input: WaitModelInput, config: WaitModelConfig = DEFAULT_WAIT_MODEL): WaitModel | null {
  if (input.agents === null || input.agents.length === 0) return null;
  const talks = input.handleTimesMs.filter((ms) => Number.isFinite(ms) && ms > 0);
  if (talks.length < config.minHandleSamples) return null;
  const floored = talks.map((ms) => Math.max(ms, config.handleFloorMs)).sort((a, b) => a - b);
  return new WaitModel(input.agents, floored, hangUpRate(input.samples, input.hangUps, config.minPatienceSamples), input.onLine, config);
}

/** The whole estimate in one call: null when the caller should hear no number. */
export function estimateWaitMs(input: WaitModelInput, position: number, config: WaitModelConfig = DEFAULT_WAIT_MODEL): number | null {
  return waitModel(input, config)?.estimateMs(position) ?? null;
}

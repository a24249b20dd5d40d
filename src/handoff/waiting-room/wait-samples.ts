import type { Tier } from '../../../flows/vocabulary';
import { DEFAULT_TIMEZONE, isOpen, type BusinessHours } from '../../hours/business-hours';
import { FIGURES_KEPT } from '../record/handoff-store';

/**
 * What the waiting room learns from (issue 12, SPEC §4): one sample per live caller who was
 * answered by an agent during business hours — the moment of the answer and what that caller
 * really waited — and one per live caller who hung up while waiting. Together they say how often
 * callers give up per minute waited. Only such calls count:
 *   - a callback request is not a live wait (the caller was off the line, often overnight);
 *   - a wait that spanned closed hours measures the night, not the queue.
 * The newest FIGURES_KEPT of each kind are kept. Talk times (handle samples) are kept apart: they
 * say how long an agent is taken by a caller (see wait-estimator.ts).
 */
export interface WaitSample {
  queue: Tier;
  /** Epoch ms when the agent answered. */
  answeredAt: number;
  /** What the caller waited in this queue before the answer. */
  waitedMs: number;
}

/** A live caller who hung up while waiting, and after how long. */
export interface HangUpSample {
  queue: Tier;
  hungUpAt: number;
  waitedMs: number;
}

/** A finished conversation: how long an agent was taken by one caller. */
export interface HandleSample {
  queue: Tier;
  /** Epoch ms when the conversation ended. */
  endedAt: number;
  /** Talk time, answer to hang-up. */
  handleMs: number;
}

/** A queue's recent figures, as the estimate reads them. */
export interface QueueFigures {
  /** Waits of live callers answered, the newest kept. */
  samples: WaitSample[];
  /** Live callers' hang-ups while waiting, the newest kept. */
  hangUps: HangUpSample[];
  /** Recent talk times of the queue's conversations. */
  handleTimesMs: number[];
}

/** Where the figures come from: the hand-off records (stored-wait-samples.ts) or a log in memory. */
export interface WaitSampleSource {
  figures(queue: Tier): QueueFigures | Promise<QueueFigures>;
}

/** An answered call as the hand-off knows it, before the rule decides whether it counts. */
export interface AnsweredCall {
  queue: Tier;
  answeredAt: number;
  waitedMs: number;
  /** The caller pressed 1 (or asked after hours): an agent dialled them back. Never a sample. */
  callbackRequested: boolean;
}

const MINUTE_MS = 60_000;
/** A wait longer than this is not a live wait whatever the flags say (a lost hang-up, a bug). */
export const MAX_SAMPLE_WAIT_MS = 4 * 60 * MINUTE_MS;

/** Whether agents are on duty at a moment. */
export type OpenAt = (at: Date) => boolean;

/** The hotline's BUSINESS_HOURS and timezone as an `OpenAt`. */
export function openAt(hours: BusinessHours, timeZone: string = DEFAULT_TIMEZONE): OpenAt {
  return (at) => isOpen(at, hours, timeZone);
}

/**
 * True when the whole wait [answeredAt − waitedMs, answeredAt] lay in open hours. Business hours
 * have a granularity of one minute, so the start, the end and every minute boundary between them
 * are checked (a 4-hour wait is 240 checks, once per answered caller).
 */
export function spannedOnlyOpenHours(waitStart: number, waitEnd: number, open: OpenAt): boolean {
  if (!open(new Date(waitStart)) || !open(new Date(waitEnd))) return false;
  for (let at = Math.ceil(waitStart / MINUTE_MS) * MINUTE_MS; at < waitEnd; at += MINUTE_MS) {
    if (!open(new Date(at))) return false;
  }
  return true;
}

/** The rule: which answered calls are samples of the queue's pace. */
export function countsAsSample(call: AnsweredCall, open: OpenAt): boolean {
  if (call.callbackRequested) return false;
  if (!Number.isFinite(call.answeredAt) || !Number.isFinite(call.waitedMs)) return false;
  if (call.waitedMs < 0 || call.waitedMs > MAX_SAMPLE_WAIT_MS) return false;
  return spannedOnlyOpenHours(call.answeredAt - call.waitedMs, call.answeredAt, open);
}

/** The sample of an answered call, or null when the rule leaves it out. */
export function sampleOf(call: AnsweredCall, open: OpenAt): WaitSample | null {
  if (!countsAsSample(call, open)) return null;
  return { queue: call.queue, answeredAt: call.answeredAt, waitedMs: Math.round(call.waitedMs) };
}

/** The sample of a live caller's hang-up while waiting, or null when the same rule leaves it out. */
export function hangUpOf(hangUp: HangUpSample, open: OpenAt): HangUpSample | null {
  const asAnswered = { queue: hangUp.queue, answeredAt: hangUp.hungUpAt, waitedMs: hangUp.waitedMs, callbackRequested: false };
  if (!countsAsSample(asAnswered, open)) return null;
  return { queue: hangUp.queue, hungUpAt: hangUp.hungUpAt, waitedMs: Math.round(hangUp.waitedMs) };
}

/**
 * An in-process log of samples, the newest `kept` of each kind per queue, for tests and the bench.
 * The app keeps them with the hand-off records (stored-wait-samples.ts), in the list format below.
 */
export class WaitSampleLog implements WaitSampleSource {
  private readonly waits: WaitSample[] = [];
  private readonly hangUps: HangUpSample[] = [];
  private readonly handles: HandleSample[] = [];

  constructor(
    private readonly open: OpenAt,
    private readonly kept = FIGURES_KEPT,
  ) {}

  /** Call once per caller an agent answered; returns whether it counted. */
  recordAnswer(call: AnsweredCall): boolean {
    const sample = sampleOf(call, this.open);
    if (sample) this.keep(this.waits, sample);
    return sample !== null;
  }

  /** Call once per live caller who hung up while waiting; returns whether it counted. */
  recordHangUp(hangUp: HangUpSample): boolean {
    const sample = hangUpOf(hangUp, this.open);
    if (sample) this.keep(this.hangUps, sample);
    return sample !== null;
  }

  /** Call once per finished conversation (callbacks too: an agent's talk time is the same work). */
  recordHandle(sample: HandleSample): void {
    if (Number.isFinite(sample.handleMs) && sample.handleMs > 0) this.keep(this.handles, sample);
  }

  figures(queue: Tier): QueueFigures {
    const of = <T extends { queue: Tier }>(list: T[]) => list.filter((item) => item.queue === queue);
    return { samples: of(this.waits), hangUps: of(this.hangUps), handleTimesMs: of(this.handles).map((h) => h.handleMs) };
  }

  private keep<T extends { queue: Tier }>(list: T[], item: T): void {
    list.push(item);
    const ofQueue = list.filter((other) => other.queue === item.queue);
    if (ofQueue.length > this.kept) list.splice(list.indexOf(ofQueue[0]!), 1);
  }
}

/** `answeredAt:waitedMs`, the format of the queue's Redis lists of waits and of hang-ups. */
export function encodeSample(sample: WaitSample): string {
  return `${Math.round(sample.answeredAt)}:${Math.round(sample.waitedMs)}`;
}

export function decodeSample(queue: Tier, text: string): WaitSample | null {
  const [at, waited, extra] = text.split(':').map(Number);
  if (at === undefined || waited === undefined || extra !== undefined || !Number.isFinite(at) || !Number.isFinite(waited)) return null;
  return { queue, answeredAt: at, waitedMs: waited };
}

import type { Tier } from '../../../flows/vocabulary';
import { DEFAULT_TIMEZONE, isOpen, type BusinessHours } from '../../hours/business-hours';

/**
 * What the waiting room learns from: one sample per live caller who was answered by an agent
 * during business hours (issue 12, SPEC §4). A sample is the moment of the answer and what that
 * caller really waited in the queue. Only such calls say how fast the queue moves now:
 *   - a callback request is not a live wait (the caller was off the line, often overnight);
 *   - a wait that spanned closed hours measures the night, not the agents;
 *   - a sample older than the sliding window (default 30 min) is about another shift.
 * Talk times (handle samples) are kept apart: they give the median handle time, which bounds how
 * fast the agents serving a queue can possibly go (see wait-estimator.ts).
 */
export interface WaitSample {
  queue: Tier;
  /** Epoch ms when the agent answered. */
  answeredAt: number;
  /** What the caller waited in this queue before the answer. */
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

/** An answered call as the hand-off knows it, before the rule decides whether it counts. */
export interface AnsweredCall {
  queue: Tier;
  answeredAt: number;
  waitedMs: number;
  /** The caller pressed 1 (or asked after hours): an agent dialled them back. Never a sample. */
  callbackRequested: boolean;
}

export const DEFAULT_WINDOW_MS = 30 * 60_000;
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

/** Samples of `queue` answered within (now − windowMs, now]; the rest is dropped. */
export function inWindow<T extends { queue: Tier }>(
  samples: readonly T[],
  queue: Tier,
  now: number,
  windowMs: number,
  at: (sample: T) => number,
): T[] {
  return samples.filter((sample) => sample.queue === queue && at(sample) > now - windowMs && at(sample) <= now);
}

export function recentWaitSamples(samples: readonly WaitSample[], queue: Tier, now: number, windowMs = DEFAULT_WINDOW_MS): WaitSample[] {
  return inWindow(samples, queue, now, windowMs, (sample) => sample.answeredAt);
}

/**
 * Since when the queue has been open without a break, looking back at most `windowMs`: the pace
 * of the first minutes of the morning is answers since opening, not answers per 30 minutes.
 * Returns `now − windowMs` when the whole window was open.
 */
export function openSince(now: number, open: OpenAt, windowMs = DEFAULT_WINDOW_MS): number {
  const earliest = now - windowMs;
  for (let at = Math.floor(now / MINUTE_MS) * MINUTE_MS; at > earliest; at -= MINUTE_MS) {
    if (!open(new Date(at))) return Math.min(now, at + MINUTE_MS);
  }
  return earliest;
}

/**
 * An in-process log of samples, newest kept, for the embedded store, tests and the bench. The
 * Redis-backed queue keeps its own list (see encodeSample / decodeSample).
 */
export class WaitSampleLog {
  private waits: WaitSample[] = [];
  private handles: HandleSample[] = [];
  /** Answers that moved the queue on in open hours without being samples (callbacks). */
  private others: Array<{ queue: Tier; answeredAt: number }> = [];

  constructor(
    private readonly open: OpenAt,
    private readonly windowMs = DEFAULT_WINDOW_MS,
    /** Talk times kept per queue: the median of the last ones, whatever their age. */
    private readonly handlesKept = 100,
  ) {}

  /** Call once per caller an agent answered; returns whether it counted. */
  recordAnswer(call: AnsweredCall): boolean {
    const sample = sampleOf(call, this.open);
    if (!sample) {
      if (call.callbackRequested && Number.isFinite(call.answeredAt) && this.open(new Date(call.answeredAt))) {
        this.others.push({ queue: call.queue, answeredAt: call.answeredAt });
      }
      return false;
    }
    this.waits.push(sample);
    return true;
  }

  /** Call once per finished conversation (callbacks too: an agent's talk time is the same work). */
  recordHandle(sample: HandleSample): void {
    if (!Number.isFinite(sample.handleMs) || sample.handleMs <= 0) return;
    this.handles.push(sample);
    const ofQueue = this.handles.filter((h) => h.queue === sample.queue);
    if (ofQueue.length > this.handlesKept) {
      const drop = ofQueue[0];
      this.handles = this.handles.filter((h) => h !== drop);
    }
  }

  /** Drops samples that left the window, and returns this queue's recent ones. */
  recent(queue: Tier, now: number): WaitSample[] {
    this.waits = this.waits.filter((sample) => sample.answeredAt > now - this.windowMs);
    return recentWaitSamples(this.waits, queue, now, this.windowMs);
  }

  /** Epoch ms of this queue's callbacks answered in open hours within the window (they moved the line). */
  otherAnswers(queue: Tier, now: number): number[] {
    this.others = this.others.filter((answer) => answer.answeredAt > now - this.windowMs);
    return inWindow(this.others, queue, now, this.windowMs, (answer) => answer.answeredAt).map((answer) => answer.answeredAt);
  }

  handleTimesMs(queue: Tier): number[] {
    return this.handles.filter((h) => h.queue === queue).map((h) => h.handleMs);
  }
}

/** `answeredAt:waitedMs`, the format of the queue's Redis list of waits. */
export function encodeSample(sample: WaitSample): string {
  return `${Math.round(sample.answeredAt)}:${Math.round(sample.waitedMs)}`;
}

export function decodeSample(queue: Tier, text: string): WaitSample | null {
  const [at, waited, extra] = text.split(':').map(Number);
  if (at === undefined || waited === undefined || extra !== undefined || !Number.isFinite(at) || !Number.isFinite(waited)) return null;
  return { queue, answeredAt: at, waitedMs: waited };
}

/**
 * The estimate the hotline used before src/handoff/waiting-room/ (issue 12), kept only so that the
 * accuracy bench (wait-accuracy.ts) can print both side by side.
 *
 * Per queue we keep the last WAIT_SAMPLES_KEPT waits of callers connected to an agent, each with
 * the time it was recorded. From them:
 *   meanWait  = average of the waits
 *   spacing   = (newest.at − oldest.at) / (n − 1)      — recent time between two answered callers
 *   perPlace  = min(meanWait, spacing)   (meanWait alone while n = 1)
 *   EWT(p)    = p × perPlace
 * Under load the queue advances one place per `spacing`, so p × spacing is what is left for the
 * caller at position p, and it shrinks as they move up. In quiet hours answers are spaced by the
 * gaps between arrivals, not by agents being busy; there the short real waits (meanWait) win.
 */
export interface WaitSample {
  /** Epoch ms when the wait was recorded. */
  at: number;
  waitedMs: number;
}

export const WAIT_SAMPLES_KEPT = 50;

/** `samples` newest first. Null when there is no history yet. */
export function estimateWaitMs(samples: readonly WaitSample[], position: number): number | null {
  const newest = samples[0];
  const oldest = samples[samples.length - 1];
  if (newest === undefined || oldest === undefined) return null;
  const meanWait = samples.reduce((sum, s) => sum + s.waitedMs, 0) / samples.length;
  const perPlace =
    samples.length > 1 ? Math.min(meanWait, (newest.at - oldest.at) / (samples.length - 1)) : meanWait;
  return Math.round(Math.max(1, position) * Math.max(0, perPlace));
}

/** The sample recordWait keeps, in whole milliseconds; a negative or non-finite wait is refused. */
export function waitSample(waitedMs: number, now: number): WaitSample {
  if (!Number.isFinite(waitedMs) || waitedMs < 0 || !Number.isFinite(now)) {
    throw new RangeError(`invalid wait sample ${waitedMs} at ${now}`);
  }
  return { at: Math.round(now), waitedMs: Math.round(waitedMs) };
}

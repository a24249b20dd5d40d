import type { Speech } from '../../twilio/answer';

/**
 * What a waiting caller hears, as a person would say it (issue 12): the estimate rounded UP to
 * whole minutes ("about 4 minutes" for 3 min 10 s), "less than a minute" under 60 s, "more than
 * 30 minutes" beyond 30 (and then the callback offer comes first, before the position), and no
 * number at all when there is none ("an agent will be with you as soon as possible"). Returns
 * catalogue keys + vars (prompts/<language>/queue.json, `queue.wait.*`); the renderer words them
 * in the caller's language.
 */
export type SpokenWait =
  | { kind: 'none' }
  | { kind: 'lessThanMinute' }
  | { kind: 'about'; minutes: number }
  | { kind: 'moreThan'; minutes: number };

/** Beyond this many minutes the caller hears "more than …" and the callback offer first. */
export const LONG_WAIT_MINUTES = 30;
const MINUTE_MS = 60_000;

export function spokenWait(estimateMs: number | null, longWaitMinutes = LONG_WAIT_MINUTES): SpokenWait {
  if (estimateMs === null || !Number.isFinite(estimateMs)) return { kind: 'none' };
  if (estimateMs < MINUTE_MS) return { kind: 'lessThanMinute' };
  const minutes = Math.ceil(estimateMs / MINUTE_MS);
  if (minutes > longWaitMinutes) return { kind: 'moreThan', minutes: longWaitMinutes };
  return { kind: 'about', minutes };
}

export function spokenWaitSpeech(spoken: SpokenWait): Speech {
  switch (spoken.kind) {
    case 'none':
      return { key: 'queue.wait.asSoonAsPossible' };
    case 'lessThanMinute':
      return { key: 'queue.wait.lessThanMinute' };
    case 'about':
      return spoken.minutes === 1 ? { key: 'queue.wait.aboutOneMinute' } : { key: 'queue.wait.aboutMinutes', vars: { minutes: spoken.minutes } };
    case 'moreThan':
      return { key: 'queue.wait.moreThan', vars: { minutes: spoken.minutes } };
  }
}

/** One round of the waiting room's announcement, decided by announcement-memory.ts. */
export interface Announcement {
  /** The position said; null when the caller was moved back (a priority caller joined ahead). */
  position: number | null;
  /** The estimate told, in ms; null: no number ("as soon as possible"). */
  estimateMs: number | null;
  /** The estimate grew by more than the time passed because agents left: the caller is told so. */
  grown: boolean;
}

/**
 * The keys one announcement says, in order. `advice` is one more sentence about the wait (the
 * hours when waits are usually shortest, quiet-hours-hint.ts): after the estimate, before the
 * callback offer.
 */
export function announcementSpeech(announcement: Announcement, advice: Speech[] = [], longWaitMinutes = LONG_WAIT_MINUTES): Speech[] {
  if (announcement.position === null) {
    // Moved back: no higher number, no worse estimate; thanks, still in line, and the way out.
    return [{ key: 'queue.wait.stillInLine' }, ...advice, { key: 'queue.wait.callbackOffer' }];
  }
  const spoken = spokenWait(announcement.estimateMs, longWaitMinutes);
  const position: Speech = { key: 'queue.wait.position', vars: { position: announcement.position } };
  const grown: Speech[] = announcement.grown ? [{ key: 'queue.wait.grown' }] : [];
  if (spoken.kind === 'moreThan') {
    return [{ key: 'queue.wait.callbackFirst' }, position, ...grown, spokenWaitSpeech(spoken), ...advice];
  }
  return [position, ...grown, spokenWaitSpeech(spoken), ...advice, { key: 'queue.wait.callbackOffer' }];
}

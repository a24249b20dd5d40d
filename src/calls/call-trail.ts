import { JOURNEY_MAX, SELF_SERVICE_MAX, type SelfServiceEntry, type SelfServiceKind } from '../../flows/vocabulary';
import type { CallSession } from './call-session';

/** What an effect (or the engine) reports having done for the caller; the engine stamps the time. */
export interface SelfServiceDone {
  kind: SelfServiceKind;
  ref?: string;
  detail?: string;
}

/**
 * The call's trail, kept in the session for the agent who takes the caller and for the call's
 * record: the menus walked (`journey`) and what the IVR did (`selfService`). Both lists are
 * bounded; the oldest steps give way to the newest.
 */

/** The caller is now at `path` (a menu path); a step repeated in a row (`*`, a wrong key) counts once. */
export function walked(session: CallSession, path: string): void {
  if (session.journey.at(-1) === path) return;
  session.journey = [...session.journey, path].slice(-JOURNEY_MAX);
}

/** Something the IVR did; the same thing done again (the same kind, transaction or case, detail) is kept once, at its first time. */
export function served(session: CallSession, done: SelfServiceDone, now: number): void {
  const same = (entry: SelfServiceEntry) => entry.kind === done.kind && entry.ref === done.ref && entry.detail === done.detail;
  if (session.selfService.some(same)) return;
  const entry: SelfServiceEntry = {
    kind: done.kind,
    at: new Date(now).toISOString(),
    // Cut to the envelope's bounds: a long id from the wallet must never make the session unreadable.
    ...(done.ref ? { ref: done.ref.slice(0, 64) } : {}),
    ...(done.detail ? { detail: done.detail.slice(0, 64) } : {}),
  };
  session.selfService = [...session.selfService, entry].slice(-SELF_SERVICE_MAX);
}

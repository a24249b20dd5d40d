/**
 * Attempts at a secret (a PIN, a one-time code), limited per subject (a wallet, a caller) however
 * many webhooks guess at once on however many instances: an attempt is reserved before its secret
 * is checked, and settled with the verdict afterwards. Wrong attempts plus attempts being checked
 * never exceed the limit; the wrong attempt that reaches it locks the subject. Redis
 * (lua/reserve-2.lua, lua/settle-2.lua) and the embedded twin pass one contract suite.
 */
export interface AttemptPolicy {
  /** Wrong attempts that lock the subject. */
  limit: number;
  /** Wrong attempts older than this (from the first of the run) are forgotten. */
  windowMs: number;
  lockMs: number;
  /**
   * A right attempt ends the run of wrong ones ("3 wrong PINs in a row"), if it was reserved
   * alone and nobody reserved after it: guesses racing a right one still count.
   */
  forgiveOnRight: boolean;
}

/** A reservation not settled by then counts as wrong: its instance died while checking it. */
export const RESERVATION_HOLD_MS = 30_000;

/** One counter of one subject: e.g. the PINs (`pin`) of wallet W1 (`wallet:W1`). */
export interface AttemptCounter {
  subject: string;
  counter: string;
}

export type Locked = { kind: 'locked'; until: number; lockedNow: boolean };
export type Reservation = { kind: 'reserved' } | Locked | { kind: 'busy' };
export type Verdict = 'right' | 'wrong' | 'void';
export type Settlement = { kind: 'counted'; failures: number } | { kind: 'accepted' } | { kind: 'voided' } | Locked;

export interface AttemptStore {
  /** `attemptId` is unique per attempt; reserving it again (a re-sent command) changes nothing. */
  reserve(at: AttemptCounter, attemptId: string, now: number, policy: AttemptPolicy): Promise<Reservation>;
  settle(at: AttemptCounter, attemptId: string, verdict: Verdict, now: number, policy: AttemptPolicy): Promise<Settlement>;
  /** The end of the subject's lock, or null when it is not locked. */
  lockedUntil(subject: string, now: number): Promise<number | null>;
}

/** The scripts' replies, decoded in this one place (see the headers of lua/reserve-2.lua and lua/settle-2.lua). */
export function decodeReservation(reply: unknown): Reservation {
  const [code, until, lockedNow] = numbers(reply);
  if (code === 1) return { kind: 'reserved' };
  if (code === -1) return { kind: 'locked', until: until!, lockedNow: lockedNow === 1 };
  if (code === -2) return { kind: 'busy' };
  throw new Error(`reserve-2.lua answered ${JSON.stringify(reply)}`);
}

export function decodeSettlement(reply: unknown): Settlement {
  const [code, value, lockedNow] = numbers(reply);
  if (code === 0) return { kind: 'counted', failures: value! };
  if (code === 1) return { kind: 'accepted' };
  if (code === 2) return { kind: 'voided' };
  if (code === -1) return { kind: 'locked', until: value!, lockedNow: lockedNow === 1 };
  throw new Error(`settle-2.lua answered ${JSON.stringify(reply)}`);
}

function numbers(reply: unknown): number[] {
  if (!Array.isArray(reply)) throw new Error(`attempt script answered ${JSON.stringify(reply)}`);
  return reply.map(Number);
}

import type { Clock } from '../clock';
import type { Config } from '../config';
import type { AttemptCounter, AttemptPolicy, AttemptStore, Locked, Reservation, Settlement } from '../limits/attempt-store';
import type { SecurityEvents } from '../security/security-events';
import { isDialable } from '../twilio/caller-id';
import type { Claim } from './identity-claims';

export type IdentityLimits = Config['identity'];

/** The wallet (or the number typed) is locked: not checked, or checked and locked by this attempt. */
export type LockedVerdict = { kind: 'locked'; minutes: number };
/** The caller is refused phone identification (too many wrong PINs across wallets). */
export type RefusedVerdict = { kind: 'refused'; minutes: number };

/** What one attempt at a PIN or code came to. */
export type AttemptVerdict = { kind: 'right' } | { kind: 'wrong'; attemptsLeft: number } | LockedVerdict | RefusedVerdict;

/** One attempt of one call's turn: its id makes a re-sent store command count once. */
export interface AttemptIds {
  callSid: string;
  attemptId: string;
  /** Who guesses: see callerSubject. */
  caller: string;
  /** Whose secret: see claimSubject. */
  subject: string;
}

/**
 * Who is guessing, for the velocity limit: the caller ID, or for a stranger (withheld, SIP) the
 * call itself. Strangers are never one caller: a shared count would let one of them bar all the
 * others, so each of their calls gets the limit on its own, and every wallet's own lock still holds.
 */
export function callerSubject(session: { from: string; callSid: string }): string {
  return isDialable(session.from) ? `caller:${session.from}` : `call:${session.callSid}`;
}

/**
 * Whose secret is guessed: a wallet, or a registered number typed that no wallet has. The latter
 * locks exactly like a wallet, so a caller cannot tell registered numbers from the answers (SPEC §3).
 */
export function claimSubject(claim: Claim): string {
  return claim.walletId === null ? `number:${claim.phone}` : `wallet:${claim.walletId}`;
}

/**
 * SPEC §3's limits on secrets, whatever the concurrency: every attempt is reserved for the claimed
 * wallet (3 wrong in a row lock it for 15 minutes) and, for PINs, for the caller (5 wrong per hour
 * across wallets bar the caller for an hour) before the secret is checked, then settled with the
 * verdict. Lockouts and refusals are security events; PINs, codes and numbers are never named.
 */
export class SecretAttempts {
  private readonly walletPolicy: AttemptPolicy;
  private readonly velocityPolicy: AttemptPolicy;

  constructor(
    private readonly store: AttemptStore,
    private readonly clock: Clock,
    limits: IdentityLimits,
    private readonly security: SecurityEvents,
  ) {
    const lockMs = limits.lockMinutes * 60_000;
    const velocityMs = limits.velocityMinutes * 60_000;
    this.walletPolicy = { limit: limits.maxAttempts, windowMs: lockMs, lockMs, forgiveOnRight: true };
    this.velocityPolicy = { limit: limits.velocityMax, windowMs: velocityMs, lockMs: velocityMs, forgiveOnRight: false };
  }

  /** Before identification goes on (a look-up): is the caller refused, or the claimed wallet locked? */
  async barrier(callSid: string, caller: string, subject: string | null): Promise<LockedVerdict | RefusedVerdict | null> {
    const now = this.clock.now();
    const [callerUntil, locked] = await Promise.all([this.store.lockedUntil(caller, now), subject ? this.lockOf(subject) : null]);
    return callerUntil !== null ? this.refused(callSid, callerUntil, now) : locked;
  }

  /** The wallet's (or number's) lock, if it is locked. */
  async lockOf(subject: string): Promise<LockedVerdict | null> {
    const now = this.clock.now();
    const until = await this.store.lockedUntil(subject, now);
    return until === null ? null : { kind: 'locked', minutes: minutesLeft(until, now) };
  }

  /** One PIN: reserved for the caller, then for the wallet; `check` runs only with both. */
  async pin(ids: AttemptIds, check: () => Promise<boolean>): Promise<AttemptVerdict> {
    const velocity: AttemptCounter = { subject: ids.caller, counter: 'pin' };
    const wallet: AttemptCounter = { subject: ids.subject, counter: 'pin' };
    const now = this.clock.now();
    const byCaller = await this.store.reserve(velocity, ids.attemptId, now, this.velocityPolicy);
    if (byCaller.kind !== 'reserved') return this.refused(ids.callSid, this.until(byCaller, now, this.velocityPolicy), now);
    const byWallet = await this.store.reserve(wallet, ids.attemptId, now, this.walletPolicy);
    if (byWallet.kind !== 'reserved') {
      await this.store.settle(velocity, ids.attemptId, 'void', now, this.velocityPolicy);
      return this.locked(ids, 'pin-lockout', byWallet, now);
    }
    const right = await this.checked(check, [velocity, this.velocityPolicy], [wallet, this.walletPolicy], ids.attemptId);
    const settledAt = this.clock.now();
    const forCaller = await this.store.settle(velocity, ids.attemptId, right ? 'right' : 'wrong', settledAt, this.velocityPolicy);
    // A right PIN does not count for a caller who is barred meanwhile; a wrong one counts everywhere.
    const barred = forCaller.kind === 'locked';
    const forWallet = await this.store.settle(wallet, ids.attemptId, right && barred ? 'void' : right ? 'right' : 'wrong', settledAt, this.walletPolicy);
    if (barred) {
      if (forWallet.kind === 'locked') this.locked(ids, 'pin-lockout', forWallet, settledAt);
      return this.refused(ids.callSid, forCaller.until, settledAt);
    }
    return this.verdict(ids, 'pin-lockout', forWallet, settledAt);
  }

  /** One one-time code, for the wallet only; `check` says `void` when there was no code to check. */
  async code(ids: Omit<AttemptIds, 'caller'>, check: () => Promise<boolean | 'void'>): Promise<Exclude<AttemptVerdict, RefusedVerdict> | { kind: 'void' }> {
    const wallet: AttemptCounter = { subject: ids.subject, counter: 'code' };
    const now = this.clock.now();
    const reserved = await this.store.reserve(wallet, ids.attemptId, now, this.walletPolicy);
    if (reserved.kind !== 'reserved') return this.locked(ids, 'code-lockout', reserved, now);
    const result = await this.checked(check, [wallet, this.walletPolicy], null, ids.attemptId);
    const settledAt = this.clock.now();
    const settled = await this.store.settle(wallet, ids.attemptId, result === 'void' ? 'void' : result ? 'right' : 'wrong', settledAt, this.walletPolicy);
    if (result === 'void' && settled.kind === 'voided') return { kind: 'void' };
    return this.verdict(ids, 'code-lockout', settled, settledAt);
  }

  /** Runs the check; if it throws (the backend is down), the reservations are voided: nothing was judged. */
  private async checked<T>(check: () => Promise<T>, first: [AttemptCounter, AttemptPolicy], second: [AttemptCounter, AttemptPolicy] | null, attemptId: string): Promise<T> {
    try {
      return await check();
    } catch (error) {
      const now = this.clock.now();
      await Promise.all([first, second].flatMap((held) => (held ? [this.store.settle(held[0], attemptId, 'void', now, held[1])] : [])));
      throw error;
    }
  }

  private verdict(ids: Omit<AttemptIds, 'caller'>, event: 'pin-lockout' | 'code-lockout', settled: Settlement, now: number): Exclude<AttemptVerdict, RefusedVerdict> {
    if (settled.kind === 'locked') return this.locked(ids, event, settled, now);
    if (settled.kind === 'counted') return { kind: 'wrong', attemptsLeft: Math.max(1, this.walletPolicy.limit - settled.failures) };
    return { kind: 'right' };
  }

  private locked(ids: Omit<AttemptIds, 'caller'>, event: 'pin-lockout' | 'code-lockout', state: Locked | { kind: 'busy' }, now: number): LockedVerdict {
    if (state.kind === 'locked' && state.lockedNow) {
      this.security.record(event, { callSid: ids.callSid, walletId: walletIdOf(ids.subject), minutes: this.walletPolicy.lockMs / 60_000 });
    }
    return { kind: 'locked', minutes: minutesLeft(this.until(state, now, this.walletPolicy), now) };
  }

  private refused(callSid: string, until: number, now: number): RefusedVerdict {
    const minutes = minutesLeft(until, now);
    this.security.record('velocity-refused', { callSid, minutes });
    return { kind: 'refused', minutes };
  }

  /** A busy counter (every attempt left being checked) is answered as locked for the whole lock. */
  private until(state: Reservation, now: number, policy: AttemptPolicy): number {
    return state.kind === 'locked' ? state.until : now + policy.lockMs;
  }
}

function minutesLeft(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 60_000));
}

/** Logs may name a wallet id, never a number typed (an unregistered number stays unnamed). */
function walletIdOf(subject: string): string {
  return subject.startsWith('wallet:') ? subject.slice('wallet:'.length) : 'unregistered';
}

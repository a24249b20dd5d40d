import type { Clock } from '../clock';
import { ExpiringMap } from '../store/expiring-map';
import {
  RESERVATION_HOLD_MS,
  type AttemptCounter,
  type AttemptPolicy,
  type AttemptStore,
  type Locked,
  type Reservation,
  type Settlement,
  type Verdict,
} from './attempt-store';

interface Pending {
  deadline: number;
  seq: number;
  alone: boolean;
}

interface Attempts {
  failed: number;
  since: number;
  seq: number;
  pending: Map<string, Pending>;
}

/**
 * The embedded twin of lua/reserve-2.lua and lua/settle-2.lua for a single process: the same
 * rules, atomic because each call runs to completion on the event loop without awaiting.
 */
export class MemoryAttemptStore implements AttemptStore {
  readonly locks: ExpiringMap<number>;
  readonly counters: ExpiringMap<Attempts>;

  constructor(clock: Clock) {
    this.locks = new ExpiringMap(clock);
    this.counters = new ExpiringMap(clock);
  }

  async reserve(at: AttemptCounter, attemptId: string, now: number, policy: AttemptPolicy): Promise<Reservation> {
    const locked = this.locked(at.subject, now);
    if (locked) return locked;
    const attempts = this.current(at, now, policy);
    if (attempts.pending.has(attemptId)) return { kind: 'reserved' };
    for (const [id, pending] of attempts.pending) {
      if (pending.deadline > now) continue;
      attempts.pending.delete(id);
      this.countFailure(attempts, now);
    }
    if (attempts.failed >= policy.limit) return this.lock(at, now, policy);
    this.keep(at, attempts, policy);
    if (attempts.failed + attempts.pending.size >= policy.limit) return { kind: 'busy' };
    attempts.seq += 1;
    attempts.pending.set(attemptId, { deadline: now + RESERVATION_HOLD_MS, seq: attempts.seq, alone: attempts.pending.size === 0 });
    return { kind: 'reserved' };
  }

  async settle(at: AttemptCounter, attemptId: string, verdict: Verdict, now: number, policy: AttemptPolicy): Promise<Settlement> {
    const attempts = this.current(at, now, policy);
    const mine = attempts.pending.get(attemptId);
    attempts.pending.delete(attemptId);
    const locked = this.locked(at.subject, now);
    if (locked) return locked;
    if (verdict === 'void') return { kind: 'voided' };
    if (verdict === 'right') {
      if (policy.forgiveOnRight && mine?.alone && mine.seq === attempts.seq) attempts.failed = 0;
      return { kind: 'accepted' };
    }
    // A wrong attempt whose reservation is gone was counted already, when it outlived its hold.
    if (!mine) return { kind: 'counted', failures: attempts.failed };
    this.countFailure(attempts, now);
    if (attempts.failed >= policy.limit) return this.lock(at, now, policy);
    return { kind: 'counted', failures: attempts.failed };
  }

  async lockedUntil(subject: string, now: number): Promise<number | null> {
    return this.locked(subject, now)?.until ?? null;
  }

  private locked(subject: string, now: number): Locked | null {
    const until = this.locks.get(subject) ?? 0;
    return until > now ? { kind: 'locked', until, lockedNow: false } : null;
  }

  private lock(at: AttemptCounter, now: number, policy: AttemptPolicy): Locked {
    this.locks.set(at.subject, now + policy.lockMs, policy.lockMs);
    this.counters.delete(key(at));
    return { kind: 'locked', until: now + policy.lockMs, lockedNow: true };
  }

  /** The counter as the scripts read it: a run of failures past its window is forgotten. */
  private current(at: AttemptCounter, now: number, policy: AttemptPolicy): Attempts {
    const attempts = this.counters.get(key(at)) ?? { failed: 0, since: 0, seq: 0, pending: new Map<string, Pending>() };
    if (attempts.failed > 0 && now - attempts.since >= policy.windowMs) attempts.failed = 0;
    return attempts;
  }

  private countFailure(attempts: Attempts, now: number): void {
    if (attempts.failed === 0) attempts.since = now;
    attempts.failed += 1;
  }

  private keep(at: AttemptCounter, attempts: Attempts, policy: AttemptPolicy): void {
    this.counters.set(key(at), attempts, policy.windowMs + RESERVATION_HOLD_MS);
  }
}

const key = (at: AttemptCounter) => `${at.subject}\u0000${at.counter}`;

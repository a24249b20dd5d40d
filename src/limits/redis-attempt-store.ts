import type { RedisClient } from '../store/redis-connection';
import {
  decodeReservation,
  decodeSettlement,
  RESERVATION_HOLD_MS,
  type AttemptCounter,
  type AttemptPolicy,
  type AttemptStore,
  type Reservation,
  type Settlement,
  type Verdict,
} from './attempt-store';
import type { LimitKeys } from './limit-keys';
import { limitScript } from './redis-scripts';

/** Attempts in Redis: one script reserves, one settles (lua/reserve-2.lua, lua/settle-2.lua). */
export class RedisAttemptStore implements AttemptStore {
  private readonly reserveScript;
  private readonly settleScript;

  constructor(private readonly redis: RedisClient, private readonly keys: LimitKeys) {
    this.reserveScript = limitScript(redis, 'reserve-2.lua');
    this.settleScript = limitScript(redis, 'settle-2.lua');
  }

  async reserve(at: AttemptCounter, attemptId: string, now: number, policy: AttemptPolicy): Promise<Reservation> {
    const reply = await this.reserveScript(...this.keysOf(at), now, attemptId, policy.limit, RESERVATION_HOLD_MS, policy.windowMs, policy.lockMs);
    return decodeReservation(reply);
  }

  async settle(at: AttemptCounter, attemptId: string, verdict: Verdict, now: number, policy: AttemptPolicy): Promise<Settlement> {
    const reply = await this.settleScript(
      ...this.keysOf(at),
      now,
      attemptId,
      verdict,
      policy.limit,
      policy.windowMs,
      policy.lockMs,
      policy.forgiveOnRight ? '1' : '0',
    );
    return decodeSettlement(reply);
  }

  async lockedUntil(subject: string, now: number): Promise<number | null> {
    const until = Number(await this.redis.get(this.keys.lock(subject)));
    return Number.isFinite(until) && until > now ? until : null;
  }

  private keysOf(at: AttemptCounter): [string, string] {
    return [this.keys.lock(at.subject), this.keys.attempts(at.subject, at.counter)];
  }
}

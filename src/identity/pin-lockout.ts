import type { Clock } from '../clock';
import type { KeyValueStore } from '../store/key-value-store';

/** SPEC §3: 3 wrong secrets in a row lock phone identification of a wallet for 15 minutes. */
export const MAX_FAILURES = 3;
export const LOCK_MS = 15 * 60 * 1000;

const failuresKey = (walletId: string) => `identity:failures:${walletId}`;
const lockKey = (walletId: string) => `identity:lock:${walletId}`;

export type FailureVerdict = { locked: false; attemptsLeft: number } | { locked: true; minutes: number };

/**
 * Wrong PINs and wrong one-time codes of one wallet, counted in the shared store so every call and
 * every instance sees the same count. The lock stores its end as a timestamp from the injected
 * clock: the store's own expiry only cleans up, the clock decides (tests move time on Redis too).
 */
export class PinLockout {
  constructor(private readonly values: KeyValueStore, private readonly clock: Clock) {}

  /** Minutes left (rounded up) while the wallet is locked, else null. */
  async lockedFor(walletId: string): Promise<number | null> {
    const until = Number(await this.values.get(lockKey(walletId)));
    const left = until - this.clock.now();
    return Number.isFinite(left) && left > 0 ? Math.ceil(left / 60_000) : null;
  }

  async recordFailure(walletId: string): Promise<FailureVerdict> {
    // The window only bounds how long a stale count lingers; a success or a lock clears it.
    const failures = await this.values.increment(failuresKey(walletId), LOCK_MS);
    if (failures < MAX_FAILURES) return { locked: false, attemptsLeft: MAX_FAILURES - failures };
    await this.values.set(lockKey(walletId), String(this.clock.now() + LOCK_MS), LOCK_MS);
    await this.values.delete(failuresKey(walletId));
    return { locked: true, minutes: LOCK_MS / 60_000 };
  }

  /** A correct secret ends the run of failures. */
  async recordSuccess(walletId: string): Promise<void> {
    await this.values.delete(failuresKey(walletId));
  }
}

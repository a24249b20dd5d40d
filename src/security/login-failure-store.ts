import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from '../clock';
import type { KeyValueStore } from '../store/key-value-store';

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

/** One counter per client address and window; the window index keeps a new window from inheriting old failures. */
const failuresKey = (address: string, window: number) => `agent-login-failures:${address}:${window}`;

/**
 * @fastify/rate-limit's store over the hotline's own key-value store: the failures are counted in
 * Redis (under REDIS_KEY_PREFIX, shared by every instance; or the embedded store) and on the
 * hotline's clock. Windows are fixed and aligned to the clock, so the time left (`ttl`, sent as
 * Retry-After) is known without asking the store: an address gets at most `max` failures per window.
 */
export function loginFailureStore(values: KeyValueStore, clock: Clock): FastifyRateLimitStoreCtor {
  function windowOf(windowMs: number) {
    const now = clock.now();
    const index = Math.floor(now / windowMs);
    return { index, ttl: (index + 1) * windowMs - now };
  }

  function answer(callback: Callback, work: () => Promise<{ current: number; ttl: number }>): void {
    work().then(
      (result) => callback(null, result),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  class LoginFailureStore implements FastifyRateLimitStore {
    incr(address: string, callback: Callback, windowMs: number): void {
      answer(callback, async () => {
        const { index, ttl } = windowOf(windowMs);
        return { current: await values.increment(failuresKey(address, index), ttl), ttl };
      });
    }

    /** A look without counting (`createRateLimit()(request, { increment: false })`). */
    read(address: string, callback: Callback, windowMs: number): void {
      answer(callback, async () => {
        const { index, ttl } = windowOf(windowMs);
        return { current: Number((await values.get(failuresKey(address, index))) ?? 0), ttl };
      });
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return LoginFailureStore;
}

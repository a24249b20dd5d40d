/** Injected wherever time decides behaviour (lockouts, code expiry, queue waits) so tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

import { RESERVATION_HOLD_MS, type AttemptPolicy } from '../../src/limits/attempt-store';
import type { LimitStores } from '../../src/limits/limit-stores';

/** Fresh limit stores per test on one manual clock: the stores judge windows and locks by the clock they are given. */
export interface LimitStoresFactory {
  create(): Promise<LimitStores>;
  cleanup(): Promise<void>;
  /** The time the store is told it is (the scripts take `now` as an argument). */
  now(): number;
  advance(ms: number): void;
}

const WALLET: AttemptPolicy = { limit: 3, windowMs: 15 * 60_000, lockMs: 15 * 60_000, forgiveOnRight: true };
const VELOCITY: AttemptPolicy = { limit: 5, windowMs: 60 * 60_000, lockMs: 60 * 60_000, forgiveOnRight: false };

let counter = 0;
const subject = (label: string) => `${label}:${counter++}`;

/**
 * What the identity and SMS limits rely on (SPEC §3), for Redis (lua/*.lua) and the embedded
 * twin alike: attempts reserved before they are checked, so concurrency never gets past the limit.
 */
export function limitStoresContract(factory: LimitStoresFactory): void {
  let limits: LimitStores;
  beforeEach(async () => {
    limits = await factory.create();
  });
  afterEach(() => factory.cleanup());

  const reserve = (at: { subject: string; counter: string }, id: string, policy = WALLET) => limits.attempts.reserve(at, id, factory.now(), policy);
  const settle = (at: { subject: string; counter: string }, id: string, verdict: 'right' | 'wrong' | 'void', policy = WALLET) =>
    limits.attempts.settle(at, id, verdict, factory.now(), policy);
  /** Reserves and settles one attempt. */
  const attempt = async (at: { subject: string; counter: string }, id: string, verdict: 'right' | 'wrong', policy = WALLET) => {
    const reserved = await reserve(at, id, policy);
    return reserved.kind === 'reserved' ? settle(at, id, verdict, policy) : reserved;
  };

  describe('attempts', () => {
    it('counts wrong attempts; the one reaching the limit locks the subject, for lockMs by the clock', async () => {
      const pin = { subject: subject('wallet'), counter: 'pin' };
      expect(await attempt(pin, 'a1', 'wrong')).toEqual({ kind: 'counted', failures: 1 });
      expect(await attempt(pin, 'a2', 'wrong')).toEqual({ kind: 'counted', failures: 2 });
      const until = factory.now() + WALLET.lockMs;
      expect(await attempt(pin, 'a3', 'wrong')).toEqual({ kind: 'locked', until, lockedNow: true });
      expect(await limits.attempts.lockedUntil(pin.subject, factory.now())).toBe(until);
      expect(await reserve(pin, 'a4')).toEqual({ kind: 'locked', until, lockedNow: false });
      factory.advance(WALLET.lockMs - 1);
      expect((await reserve(pin, 'a5')).kind).toBe('locked');
      factory.advance(1);
      expect(await limits.attempts.lockedUntil(pin.subject, factory.now())).toBeNull();
      expect(await attempt(pin, 'a6', 'wrong')).toEqual({ kind: 'counted', failures: 1 });
    });

    it('reservations beyond the limit are refused while others are being checked (busy), and nothing is checked twice', async () => {
      const pin = { subject: subject('wallet'), counter: 'pin' };
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => reserve(pin, `r${i}`)));
      expect(answers.filter((answer) => answer.kind === 'reserved')).toHaveLength(3);
      expect(answers.filter((answer) => answer.kind === 'busy')).toHaveLength(9);
      // The same attempt again (a re-sent command) holds its place and takes no other.
      expect(await reserve(pin, `r${answers.findIndex((answer) => answer.kind === 'reserved')}`)).toEqual({ kind: 'reserved' });
    });

    it('under any concurrency at most `limit` wrong attempts settle before the lock; a right one after it is refused', async () => {
      const pin = { subject: subject('wallet'), counter: 'pin' };
      const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(pin, `c${i}`, 'wrong')));
      expect(verdicts.filter((verdict) => verdict.kind === 'counted' || (verdict.kind === 'locked' && verdict.lockedNow))).toHaveLength(3);
      expect(verdicts.filter((verdict) => verdict.kind === 'locked' && verdict.lockedNow)).toHaveLength(1);
      const right = await reserve(pin, 'right');
      expect(right.kind).toBe('locked');
    });

    it('a right attempt settling while its subject is locked is not accepted', async () => {
      const wallet = subject('wallet');
      const pin = { subject: wallet, counter: 'pin' };
      const code = { subject: wallet, counter: 'code' };
      expect(await reserve(pin, 'right')).toEqual({ kind: 'reserved' });
      // Three wrong codes lock the wallet while the PIN is being checked: the lock is the wallet's.
      for (const id of ['x1', 'x2', 'x3']) await attempt(code, id, 'wrong');
      expect(await settle(pin, 'right', 'right')).toMatchObject({ kind: 'locked', lockedNow: false });
    });

    it('a right attempt made alone ends the run of wrong ones; one racing other attempts does not', async () => {
      const alone = { subject: subject('wallet'), counter: 'pin' };
      await attempt(alone, 'w1', 'wrong');
      await attempt(alone, 'w2', 'wrong');
      expect(await attempt(alone, 'ok', 'right')).toEqual({ kind: 'accepted' });
      expect(await attempt(alone, 'w3', 'wrong')).toEqual({ kind: 'counted', failures: 1 });

      const raced = { subject: subject('wallet'), counter: 'pin' };
      await attempt(raced, 'w1', 'wrong');
      expect(await reserve(raced, 'ok')).toEqual({ kind: 'reserved' });
      expect(await reserve(raced, 'w2')).toEqual({ kind: 'reserved' });
      expect(await settle(raced, 'ok', 'right')).toEqual({ kind: 'accepted' });
      expect(await settle(raced, 'w2', 'wrong')).toEqual({ kind: 'counted', failures: 2 });
      expect((await attempt(raced, 'w3', 'wrong')).kind).toBe('locked');
    });

    it('PIN and code counters of one wallet are apart: a right PIN does not forgive wrong codes', async () => {
      const wallet = subject('wallet');
      const pin = { subject: wallet, counter: 'pin' };
      const code = { subject: wallet, counter: 'code' };
      await attempt(code, 'c1', 'wrong');
      await attempt(code, 'c2', 'wrong');
      expect(await attempt(pin, 'p1', 'right')).toEqual({ kind: 'accepted' });
      expect(await attempt(code, 'c3', 'wrong')).toMatchObject({ kind: 'locked', lockedNow: true });
      expect((await reserve(pin, 'p2')).kind).toBe('locked');
    });

    it('velocity never forgives: right attempts leave the wrong ones counted', async () => {
      const caller = { subject: subject('caller'), counter: 'pin' };
      for (let i = 0; i < 4; i++) {
        expect(await attempt(caller, `w${i}`, 'wrong', VELOCITY)).toEqual({ kind: 'counted', failures: i + 1 });
        expect(await attempt(caller, `r${i}`, 'right', VELOCITY)).toEqual({ kind: 'accepted' });
      }
      expect(await attempt(caller, 'w5', 'wrong', VELOCITY)).toMatchObject({ kind: 'locked', lockedNow: true });
    });

    it('wrong attempts older than the window are forgotten', async () => {
      const pin = { subject: subject('wallet'), counter: 'pin' };
      await attempt(pin, 'w1', 'wrong');
      await attempt(pin, 'w2', 'wrong');
      factory.advance(WALLET.windowMs);
      expect(await attempt(pin, 'w3', 'wrong')).toEqual({ kind: 'counted', failures: 1 });
    });

    it('a void attempt (the backend failed) frees its place and counts nothing', async () => {
      const pin = { subject: subject('wallet'), counter: 'pin' };
      for (const id of ['v1', 'v2', 'v3']) expect(await reserve(pin, id)).toEqual({ kind: 'reserved' });
      expect(await reserve(pin, 'v4')).toEqual({ kind: 'busy' });
      expect(await settle(pin, 'v1', 'void')).toEqual({ kind: 'voided' });
      expect(await reserve(pin, 'v4')).toEqual({ kind: 'reserved' });
      for (const id of ['v2', 'v3', 'v4']) await settle(pin, id, 'void');
      expect(await attempt(pin, 'w1', 'wrong')).toEqual({ kind: 'counted', failures: 1 });
    });

    it('a reservation never settled (its instance died) counts as wrong once its hold is over', async () => {
      const pin = { subject: subject('wallet'), counter: 'pin' };
      await attempt(pin, 'w1', 'wrong');
      await attempt(pin, 'w2', 'wrong');
      expect(await reserve(pin, 'lost')).toEqual({ kind: 'reserved' });
      expect(await reserve(pin, 'next')).toEqual({ kind: 'busy' });
      factory.advance(RESERVATION_HOLD_MS);
      expect(await reserve(pin, 'next')).toMatchObject({ kind: 'locked', lockedNow: true });
      // Its late answer changes nothing.
      expect((await settle(pin, 'lost', 'right')).kind).toBe('locked');
    });

    it('keeps subjects apart', async () => {
      const a = { subject: subject('wallet'), counter: 'pin' };
      const b = { subject: subject('wallet'), counter: 'pin' };
      for (const id of ['1', '2', '3']) await attempt(a, id, 'wrong');
      expect(await attempt(b, '1', 'wrong')).toEqual({ kind: 'counted', failures: 1 });
    });
  });

  describe('quotas', () => {
    const perCall = [
      { name: 'kind:sms.a', limit: 1, windowMs: 3_600_000 },
      { name: 'call', limit: 3, windowMs: 3_600_000 },
    ];

    it('takes from every quota at once, or from none; the first used up is named', async () => {
      const call = subject('call');
      expect(await limits.quotas.take(call, perCall, factory.now())).toBeNull();
      expect(await limits.quotas.take(call, perCall, factory.now())).toBe('kind:sms.a');
      for (const kind of ['b', 'c']) expect(await limits.quotas.take(call, [{ ...perCall[0]!, name: `kind:sms.${kind}` }, perCall[1]!], factory.now())).toBeNull();
      expect(await limits.quotas.take(call, [{ ...perCall[0]!, name: 'kind:sms.d' }, perCall[1]!], factory.now())).toBe('call');
      // The refused take took nothing: sms.d is still unsent.
      expect(await limits.quotas.take(call, [{ ...perCall[0]!, name: 'kind:sms.d' }, { ...perCall[1]!, limit: 4 }], factory.now())).toBeNull();
    });

    it('concurrent takes never exceed the limit', async () => {
      const number = subject('sms');
      const quota = [{ name: 'number', limit: 10, windowMs: 86_400_000 }];
      const results = await Promise.all(Array.from({ length: 30 }, () => limits.quotas.take(number, quota, factory.now())));
      expect(results.filter((result) => result === null)).toHaveLength(10);
    });

    it('a window starts with the first taken and ends by the clock', async () => {
      const wallet = subject('wallet');
      const codes = [{ name: 'codes', limit: 2, windowMs: 3_600_000 }];
      await limits.quotas.take(wallet, codes, factory.now());
      factory.advance(1_800_000);
      await limits.quotas.take(wallet, codes, factory.now());
      expect(await limits.quotas.take(wallet, codes, factory.now())).toBe('codes');
      factory.advance(1_800_000);
      expect(await limits.quotas.take(wallet, codes, factory.now())).toBeNull();
    });

    it('giveBack undoes a take', async () => {
      const call = subject('call');
      await limits.quotas.take(call, perCall, factory.now());
      await limits.quotas.giveBack(call, perCall.map((quota) => quota.name));
      expect(await limits.quotas.take(call, perCall, factory.now())).toBeNull();
      await limits.quotas.giveBack(subject('never'), ['call']);
    });
  });
}

import { CODE_TTL_MS } from '../../src/identity/one-time-codes';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { ManualClock, prompt, testConfig } from '../support/test-app';
import { startIdentityHotline, WALLETS, type IdentityHotline } from './support/identity-hotline';
import type { Redis } from 'ioredis';

const LOCK_MS = testConfig().identity.lockMinutes * 60_000;

describe('PIN lockout and one-time codes across calls and instances (Redis, one prefix, two apps)', () => {
  let redis: Redis;
  let prefix: string;
  let clock: ManualClock;
  let first: IdentityHotline;
  let second: IdentityHotline;

  beforeEach(async () => {
    redis = await testRedis();
    prefix = uniquePrefix('lockout');
    clock = new ManualClock();
    first = await startIdentityHotline({ redis, prefix, clock });
    second = await startIdentityHotline({ redis, prefix, clock });
  });
  afterEach(async () => {
    await first.close();
    await second.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  const atPin = async (hotline: IdentityHotline, from: string) => {
    const call = await hotline.call({ from }).dial();
    await call.press('2');
    await call.press('1');
    return call;
  };

  it('3 wrong PINs lock the wallet for 15 minutes, also for a new call on another instance; then the right PIN works', async () => {
    const { phone, pin } = WALLETS.active;
    const call = await atPin(first, phone);
    await call.press('000000');
    expect(call.heard).toEqual([prompt('identity.pinWrong', 'zh-CN', { attemptsLeft: 2 }), prompt('identity.pin')]);
    await call.press('111111');
    expect(call.heard).toEqual([prompt('identity.pinWrong', 'zh-CN', { attemptsLeft: 1 }), prompt('identity.pin')]);
    await call.press('222222');
    expect(call.heard).toEqual([prompt('identity.locked', 'zh-CN', { minutes: 15 })]);
    // Told and offered an agent, never hung up on.
    await call.press('0');
    expect(first.handoffs.at(-1)).toMatchObject({ callSid: call.callSid, handoff: { intent: 'transaction.recent' } });

    const again = await atPin(second, phone);
    expect(again.heard).toEqual([prompt('identity.locked', 'zh-CN', { minutes: 15 })]);
    expect((await second.session(again.callSid))?.facts.identityLevel).toBe(0);

    clock.advance(LOCK_MS - 60_000);
    const stillLocked = await atPin(second, phone);
    expect(stillLocked.heard).toEqual([prompt('identity.locked', 'zh-CN', { minutes: 1 })]);

    clock.advance(60_000);
    const later = await atPin(first, phone);
    expect(later.heard).toEqual([prompt('identity.pin')]);
    await later.press(pin);
    expect((await first.session(later.callSid))?.facts.identityLevel).toBe(1);
  });

  it('a locked wallet does not even check a correct PIN typed into a call that was already at the PIN prompt', async () => {
    const { phone, pin } = WALLETS.active;
    const waiting = await atPin(second, phone);
    const call = await atPin(first, phone);
    for (const wrong of ['000000', '111111', '222222']) await call.press(wrong);
    await waiting.press(pin);
    expect(waiting.heard).toEqual([prompt('identity.locked', 'zh-CN', { minutes: 15 })]);
    expect((await second.session(waiting.callSid))?.facts.identityLevel).toBe(0);
  });

  it('a correct PIN resets the count of wrong ones', async () => {
    const { phone, pin } = WALLETS.active;
    const call = await atPin(first, phone);
    await call.press('000000');
    await call.press('111111');
    await call.press(pin);
    const next = await atPin(second, phone);
    await next.press('000000');
    expect(next.heard).toEqual([prompt('identity.pinWrong', 'zh-CN', { attemptsLeft: 2 }), prompt('identity.pin')]);
  });

  /** Account 1-2 for the password-locked wallet: PIN done, code sent. */
  const atCode = async (hotline: IdentityHotline) => {
    const { phone, pin } = WALLETS.passwordLocked;
    const call = await hotline.call({ from: phone }).dial();
    await call.press('1');
    await call.press('2');
    await call.press(pin);
    expect(call.heard).toEqual([prompt('identity.code')]);
    return call;
  };
  const codes = () => first.codesSentTo(WALLETS.passwordLocked.phone).concat(second.codesSentTo(WALLETS.passwordLocked.phone));

  it('3 wrong codes lock the wallet like wrong PINs', async () => {
    const call = await atCode(first);
    const code = codes().at(-1)!;
    const wrong = code === '000000' ? '000001' : '000000';
    await call.press(wrong);
    expect(call.heard).toEqual([prompt('identity.codeWrong', 'zh-CN', { attemptsLeft: 2 }), prompt('identity.code')]);
    await call.press(wrong);
    await call.press(wrong);
    expect(call.heard).toEqual([prompt('identity.locked', 'zh-CN', { minutes: 15 })]);
    const again = await second.call({ from: WALLETS.passwordLocked.phone }).dial();
    await again.press('1');
    await again.press('2');
    expect(again.heard).toEqual([prompt('identity.locked', 'zh-CN', { minutes: 15 })]);
  });

  it('a code expires after 5 minutes; 1 sends a new one, which works on the other instance', async () => {
    const call = await atCode(first);
    const old = codes().at(-1)!;
    clock.advance(CODE_TTL_MS);
    await call.press(old);
    expect(call.heard).toEqual([prompt('identity.codeExpired')]);
    await call.press('1');
    expect(call.heard).toEqual([prompt('identity.codeResent'), prompt('identity.code')]);
    const fresh = codes().at(-1)!;
    expect(codes()).toHaveLength(2);
    // Twilio may send the next webhook to any instance.
    const sameCallElsewhere = second.call({ from: WALLETS.passwordLocked.phone, callSid: call.callSid });
    sameCallElsewhere.verbs = call.verbs;
    await sameCallElsewhere.press(fresh);
    expect(sameCallElsewhere.heard).toEqual([prompt('account.unlockOffer')]);
  });

  it('* resends the code once; a second * is refused and the latest code works', async () => {
    const call = await atCode(first);
    const original = codes().at(-1)!;
    await call.press('*');
    expect(call.heard).toEqual([prompt('identity.codeResent'), prompt('identity.code')]);
    const latest = codes().at(-1)!;
    await call.press('*');
    expect(call.heard).toEqual([prompt('identity.codeResendUsed'), prompt('identity.code')]);
    expect(codes()).toHaveLength(2);
    if (original !== latest) {
      await call.press(original);
      expect(call.heard[0]).toBe(prompt('identity.codeWrong', 'zh-CN', { attemptsLeft: 2 }));
    }
    await call.press(latest);
    expect(call.heard).toEqual([prompt('account.unlockOffer')]);
    await first.store.values.delete(`wallet:state:${WALLETS.passwordLocked.id}`);
  });

  it('codes are stored only as salted hashes', async () => {
    await atCode(first);
    const code = codes().at(-1)!;
    const keys = await redis.keys(`${prefix}*`);
    const values = await Promise.all(keys.map(async (key) => ((await redis.type(key)) === 'string' ? redis.get(key) : '')));
    expect(values.join('\n')).not.toContain(code);
  });
});

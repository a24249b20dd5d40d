import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { logCapture } from '../support/log-capture';
import { prompt, testConfig, type ManualClock } from '../support/test-app';
import type { Evaluation } from './support/counting-wallet';
import { WALLETS, type IdentityHotline } from './support/identity-hotline';
import { twoInstances, type TwoInstances } from './support/two-instances';

/**
 * SPEC §3 velocity: at most 5 wrong PINs per caller ID per hour across all wallets (PIN spraying),
 * then that caller ID is refused phone identification for an hour and offered an agent; counted
 * across calls and instances. A withheld caller is limited per call: strangers are never one caller.
 */
const { velocityMax, velocityMinutes } = testConfig().identity;
const SPRAYER = '+8613955512345';
const REFUSED = prompt('identity.refused', 'zh-CN', { minutes: velocityMinutes });
/** Registered numbers and numbers no wallet has: a sprayer cannot tell them apart, and both count. */
const TARGETS = [...Object.values(WALLETS).map((wallet) => wallet.phone.slice(3)), '13911110001', '13911110002', '13911110003'];
const WRONG = '000000';

describe.each(['redis', 'memory'] as const)('PIN spraying from one caller ID (%s store, 2 instances)', (storeKind) => {
  let pair: TwoInstances;
  let clock: ManualClock;
  let instances: IdentityHotline[];
  let evaluations: Evaluation[];
  const capture = logCapture();

  beforeEach(async () => {
    pair = await twoInstances(storeKind, { logDestination: capture.stream });
    ({ clock, instances, evaluations } = pair);
  });
  afterEach(() => pair.close());

  /** Transactions → recent, from `from`: the caller-ID look-up, then the registered number typed. */
  async function typeNumber(instance: IdentityHotline, from: string, number: string): Promise<TwilioCallDriver> {
    const call = await instance.call({ from }).dial();
    await call.press('2');
    await call.press('1');
    if (call.heard[0] === REFUSED) return call;
    await call.press(number);
    return call;
  }

  it(`${velocityMax} wrong PINs across wallets and calls bar the caller ID for ${velocityMinutes} minutes, with an agent offered; others are not affected`, async () => {
    const logsFrom = capture.count();
    for (let i = 0; i < velocityMax; i++) {
      const call = await typeNumber(instances[i % 2]!, SPRAYER, TARGETS[i]!);
      expect(call.heard).toEqual([prompt('identity.pin')]);
      await call.press(WRONG);
      if (i < velocityMax - 1) {
        expect(call.heard).toEqual([prompt('identity.pinWrong', 'zh-CN', { attemptsLeft: 2 }), prompt('identity.pin')]);
      } else {
        // The fifth wrong PIN: refused at once, told why, and 0 reaches an agent.
        expect(call.heard).toEqual([REFUSED]);
        await call.press('0');
        expect(instances[i % 2]!.handoffs.at(-1)).toMatchObject({ callSid: call.callSid, handoff: { intent: 'transaction.recent', reason: 'asked' } });
      }
    }
    // Registered wallets evaluated their wrong PINs; the numbers no wallet has were wrong without a backend.
    expect(evaluations.filter((evaluation) => !evaluation.right)).toHaveLength(Object.keys(WALLETS).length);

    // A new call from the same caller ID, on either instance, is refused before typing anything, even for its own wallet.
    for (const instance of instances) {
      const again = await typeNumber(instance, SPRAYER, TARGETS[0]!);
      expect(again.heard).toEqual([REFUSED]);
    }
    const evaluated = evaluations.length;
    // The caller ID of a wallet with its right PIN is not affected.
    const owner = await instances[0]!.call({ from: WALLETS.english.phone }).dial();
    await owner.press('2');
    await owner.press('1');
    await owner.press(WALLETS.english.pin);
    expect((await instances[0]!.session(owner.callSid))?.facts.identityLevel).toBe(1);
    expect(evaluations).toHaveLength(evaluated + 1);

    const events = capture
      .text(logsFrom)
      .split('\n')
      .filter((line) => line.includes('"securityEvent":"velocity-refused"'))
      .map((line) => JSON.parse(line) as { level: number; callSid?: string });
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.every((event) => event.level === 40 && /^CA[0-9a-f]{32}$/.test(event.callSid ?? ''))).toBe(true);

    clock.advance(velocityMinutes * 60_000);
    const later = await typeNumber(instances[1]!, SPRAYER, TARGETS[0]!);
    expect(later.heard).toEqual([prompt('identity.pin')]);
  });

  it('20 sprays at once from one caller ID, across instances: at most 5 wrong PINs are checked', async () => {
    const calls: TwilioCallDriver[] = [];
    for (let i = 0; i < 20; i++) calls.push(await typeNumber(instances[i % 2]!, SPRAYER, `1391122${String(1000 + i)}`));
    const answered = await Promise.all(calls.map((call) => call.press(WRONG)));
    const wrongNotices = [1, 2].map((attemptsLeft) => prompt('identity.pinWrong', 'zh-CN', { attemptsLeft }));
    const toldWrong = answered.filter((call) => wrongNotices.includes(call.heard[0]!));
    const refused = answered.filter((call) => call.heard[0] === REFUSED);
    expect(toldWrong.length + refused.length).toBe(20);
    // The fifth checked wrong PIN is answered "refused" itself: at most 4 callers hear "wrong".
    expect(toldWrong.length).toBeLessThanOrEqual(velocityMax - 1);
    expect((await typeNumber(instances[0]!, SPRAYER, TARGETS[0]!)).heard).toEqual([REFUSED]);
  });

  it('a withheld caller is limited per call: one spraying call does not bar the next withheld caller', async () => {
    const numbers = Array.from({ length: velocityMax }, (_, i) => `1391111000${i}`);
    const call = await typeNumber(instances[0]!, 'anonymous', numbers[0]!);
    for (const [i, number] of numbers.entries()) {
      if (i > 0) {
        // # back to the transactions menu, 1 again: the registered number is asked anew.
        await call.press('#');
        expect(call.heard).toEqual([prompt('transaction.menu')]);
        await call.press('1');
        expect(call.heard).toEqual([prompt('identity.phone')]);
        await call.press(number);
      }
      expect(call.heard).toEqual([prompt('identity.pin')]);
      await call.press(WRONG);
      expect(call.heard).toEqual(i < velocityMax - 1 ? [prompt('identity.pinWrong', 'zh-CN', { attemptsLeft: 2 }), prompt('identity.pin')] : [REFUSED]);
    }
    const next = await typeNumber(instances[1]!, 'anonymous', '13911119999');
    expect(next.heard).toEqual([prompt('identity.pin')]);
  });
});

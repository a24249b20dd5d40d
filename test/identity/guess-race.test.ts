import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { prompt } from '../support/test-app';
import { WALLETS, type IdentityHotline } from './support/identity-hotline';
import { twoInstances, type TwoInstances } from './support/two-instances';

/**
 * SPEC §3 "Limits hold under concurrency": many calls guess one wallet's PIN at the same instant,
 * across two app instances sharing one store; the wallet backend counts every PIN it evaluates.
 * At most 3 wrong PINs are ever evaluated, and once the wallet is locked the right PIN is refused
 * without being checked.
 */
const { phone, pin, id } = WALLETS.active;
const wrongPins = (count: number) => Array.from({ length: count }, (_, i) => String(200_000 + i * 7919).padStart(6, '0'));

type StoreKind = 'redis' | 'memory';
type BackendKind = 'demo (scrypt)' | 'http core';

/** A caller from a number of their own, at the PIN prompt after typing the wallet's registered number. */
async function atPin(hotline: IdentityHotline, caller: string): Promise<TwilioCallDriver> {
  const call = await hotline.call({ from: caller }).dial();
  await call.press('2');
  await call.press('1');
  expect(call.heard).toEqual([prompt('identity.phone')]);
  await call.press(phone.slice(3));
  expect(call.heard).toEqual([prompt('identity.pin')]);
  return call;
}

/** The same call, its next webhook taken by the other instance (Twilio may send it to any). */
function onOther(rigged: TwoInstances, call: TwilioCallDriver, index: number): TwilioCallDriver {
  const elsewhere = rigged.instances[(index + 1) % 2]!.call({ from: call.from, callSid: call.callSid });
  elsewhere.verbs = call.verbs;
  return elsewhere;
}

const LOCKED = prompt('identity.locked', 'zh-CN', { minutes: 15 });

describe.each([
  ['redis', 'demo (scrypt)'],
  ['memory', 'demo (scrypt)'],
  ['redis', 'http core'],
  ['memory', 'http core'],
] as Array<[StoreKind, BackendKind]>)('simultaneous PIN guesses at one wallet (%s store, %s backend, 2 instances)', (storeKind, backendKind) => {
  let rigged: TwoInstances;
  beforeEach(async () => {
    rigged = await twoInstances(storeKind, { backend: backendKind === 'http core' ? 'http' : 'demo' });
  });
  afterEach(() => rigged.close());

  it.each([12, 40])('%i guesses at once, one of them right: at most 3 wrong evaluated; after the lock the right PIN is refused unchecked', async (count) => {
    const guesses = [...wrongPins(count - 1)];
    guesses.splice(Math.floor(count / 2), 0, pin);
    const calls = await Promise.all(Array.from({ length: count }, (_, i) => atPin(rigged.instances[i % 2]!, `+86139555${String(1000 + i).padStart(5, '0')}`)));
    // Two more callers wait at the PIN prompt with the right PIN, to type it once the wallet is locked.
    const late = [await atPin(rigged.instances[0], '+8613977700001'), await atPin(rigged.instances[1], '+8613977700002')];

    const answered = await Promise.all(calls.map((call, i) => onOther(rigged, call, i).press(guesses[i]!)));

    const wrongEvaluated = rigged.evaluations.filter((evaluation) => !evaluation.right);
    expect(wrongEvaluated.length).toBeLessThanOrEqual(3);
    expect(rigged.evaluations.every((evaluation) => evaluation.walletId === id)).toBe(true);
    if (rigged.coreRequests) expect(rigged.coreRequests()).toBe(rigged.evaluations.length);
    // Every caller hears one of: wrong (a PIN evaluated), locked (refused or the locking guess), or the leaf (verified).
    const levels = await Promise.all(calls.map(async (call) => (await rigged.instances[0].session(call.callSid))?.facts.identityLevel));
    answered.forEach((call, i) => {
      const heard = call.heard;
      if (levels[i] === 1) {
        expect(guesses[i]).toBe(pin);
      } else {
        expect([[LOCKED], [prompt('identity.pinWrong', 'zh-CN', { attemptsLeft: 2 }), prompt('identity.pin')], [prompt('identity.pinWrong', 'zh-CN', { attemptsLeft: 1 }), prompt('identity.pin')]]).toContainEqual(heard);
      }
    });
    const rightEvaluated = rigged.evaluations.filter((evaluation) => evaluation.right).length;
    expect(levels.filter((level) => level === 1)).toHaveLength(rightEvaluated);
    const wrongNotices = [1, 2].map((attemptsLeft) => prompt('identity.pinWrong', 'zh-CN', { attemptsLeft }));
    const toldWrong = answered.filter((call) => wrongNotices.includes(call.heard[0]!)).length;
    expect(toldWrong).toBeLessThanOrEqual(wrongEvaluated.length);

    // Whatever the race left, more wrong guesses lock the wallet, still after at most 3 wrong evaluated: the
    // right one, if it was checked, raced the others and so ended no run of wrong ones.
    for (let more = 0; ; more++) {
      expect(more).toBeLessThanOrEqual(3);
      const call = await rigged.instances[more % 2]!.call({ from: `+86139666${String(1000 + more).padStart(5, '0')}` }).dial();
      await call.press('2');
      await call.press('1');
      await call.press(phone.slice(3));
      if (call.heard[0] === LOCKED) break;
      await call.press(wrongPins(1)[0]!);
      if (call.heard[0] === LOCKED) break;
    }
    expect(rigged.evaluations.filter((evaluation) => !evaluation.right).length).toBeLessThanOrEqual(3);

    // Locked: the right PIN typed by callers who were already at the prompt is refused without being checked.
    const evaluatedBefore = rigged.evaluations.length;
    for (const [index, call] of late.entries()) {
      await onOther(rigged, call, index).press(pin);
      expect((await rigged.instances[index]!.session(call.callSid))?.facts.identityLevel).toBe(0);
    }
    expect(rigged.evaluations.length).toBe(evaluatedBefore);
  }, 60_000);
});

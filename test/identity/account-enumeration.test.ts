import { someCaller } from '../support/test-app';
import { startIdentityHotline, WALLETS, type IdentityHotline } from './support/identity-hotline';

/**
 * SPEC §3 / issue 9: after typing a registered number, a caller hears exactly the same prompts for a
 * number no wallet has as for one a wallet has, until the PIN is checked: the unregistered number's
 * "PIN" is simply wrong, counts, and locks it like a wallet. So the line cannot be used to find out
 * which numbers have wallets.
 */
describe('typed numbers cannot be told apart before the PIN (Redis)', () => {
  let hotline: IdentityHotline;
  beforeAll(async () => {
    hotline = await startIdentityHotline();
  });
  afterAll(() => hotline.close());

  /** What a caller hears typing `number`, then `*`, three wrong PINs, then calling again with the same number. */
  async function transcript(number: string, english: boolean): Promise<string[][]> {
    const heard: string[][] = [];
    const call = await hotline.call({ from: someCaller() }).dial();
    if (english) await call.press('9');
    await call.press('2');
    await call.press('1');
    for (const keys of [number, '*', '000000', '000001', '000002']) {
      await call.press(keys);
      heard.push(call.heard);
    }
    const again = await hotline.call({ from: someCaller() }).dial();
    if (english) await again.press('9');
    await again.press('2');
    await again.press('1');
    await again.press(number);
    heard.push(again.heard);
    return heard;
  }

  it.each([
    ['Mandarin', false],
    ['English', true],
  ] as const)('in %s: a registered number and one no wallet has get the same prompts, to the lock', async (_language, english) => {
    const registered = await transcript(english ? WALLETS.active.phone.slice(3) : WALLETS.english.phone.slice(3), english);
    const unregistered = await transcript(english ? '13912340002' : '13912340001', english);
    expect(unregistered).toEqual(registered);
    // And they are the PIN prompt, two "wrong" notices and the lock: not a "no such number".
    expect(new Set(registered.flat()).size).toBe(4);
  });
});

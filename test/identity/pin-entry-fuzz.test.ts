import { LOCK_MS } from '../../src/identity/pin-lockout';
import { startIdentityHotline, WALLETS, type IdentityHotline } from './support/identity-hotline';

/** mulberry32: a small seeded PRNG, so a failure replays exactly. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = '0123456789*#';

describe('PIN entry under random keypad input (property test, embedded store)', () => {
  let hotline: IdentityHotline;
  beforeAll(async () => {
    hotline = await startIdentityHotline({ store: 'memory' });
  });
  afterAll(() => hotline.close());

  it('never answers other than 200 and never reaches L1 without the right PIN', async () => {
    const random = prng(20261125);
    const { phone, pin } = WALLETS.active;
    for (let round = 0; round < 300; round++) {
      const call = await hotline.call({ from: phone }).dial();
      await call.press('2');
      await call.press('1');
      const entries = 1 + Math.floor(random() * 4);
      for (let entry = 0; entry < entries && call.gather; entry++) {
        const length = Math.floor(random() * 41);
        const digits = Array.from({ length }, () => KEYS[Math.floor(random() * KEYS.length)]).join('');
        await call.press(digits);
        expect(call.status).toBe(200);
        const level = (await hotline.session(call.callSid))?.facts.identityLevel ?? 0;
        if (digits !== pin) expect(level).toBe(0);
        if (digits === pin) break;
      }
      // Keep the lockout from hiding the PIN check in later rounds.
      hotline.clock.advance(LOCK_MS);
    }
  });
});

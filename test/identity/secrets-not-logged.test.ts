import { logCapture } from '../support/log-capture';
import { prompt } from '../support/test-app';
import { startIdentityHotline, WALLETS } from './support/identity-hotline';


describe('secrets never reach the logs', () => {
  it('a whole L2 call at debug level logs neither the PIN, nor the one-time code, nor the caller number', async () => {
    const capture = logCapture();
    const hotline = await startIdentityHotline({ logDestination: capture.stream, logLevel: 'debug' });
    try {
      const { phone, pin, id } = WALLETS.passwordLocked;
      const call = await hotline.call({ from: phone, extra: { StirVerstat: 'TN-Validation-Passed-A' } }).dial();
      await call.press('1');
      await call.press('2');
      await call.press('999999');
      await call.press(pin);
      const code = hotline.codesSentTo(phone).at(-1)!;
      await call.press(code);
      expect(call.heard).toEqual([prompt('account.unlockOffer')]);
      await call.press('1');
      await call.hangUp();

      const logs = capture.text();
      expect(logs).toContain(call.callSid);
      expect(logs).toContain('identity: L1 by PIN');
      expect(logs).toContain('TN-Validation-Passed-A');
      // Standalone digit runs only: timings like 4.486599999994 must not count as a leak.
      const standalone = (digits: string) => new RegExp(`(?<!\\d)${digits.replace('+', '\\+')}(?!\\d)`);
      for (const secret of [pin, '999999', code, phone, phone.slice(3)]) expect(logs).not.toMatch(standalone(secret));
      // The code leaves only in its own SMS; the PIN never leaves.
      const outbox = hotline.twilio.outbox().map((entry) => JSON.stringify(entry));
      expect(outbox.filter((entry) => standalone(code).test(entry))).toHaveLength(1);
      expect(outbox.filter((entry) => standalone(pin).test(entry))).toEqual([]);
      // Nor does the stored call state hold them.
      const session = JSON.stringify(await hotline.session(call.callSid));
      for (const secret of [pin, '999999', code]) expect(session).not.toContain(secret);
      await hotline.store.values.delete(`wallet:state:${id}`);
    } finally {
      await hotline.close();
    }
  });
});

import { logCapture } from '../support/log-capture';
import { injectWebhook, prompt, someCaller } from '../support/test-app';
import { startIdentityHotline, WALLETS } from './support/identity-hotline';

/** Standalone digit runs only: timings like 4.486599999994 must not count as a leak. */
const standalone = (digits: string) => new RegExp(`(?<!\\d)${digits.replace('+', '\\+')}(?!\\d)`);

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

  it('the limits at debug level: lockouts, a velocity refusal, SMS refusals and duplicate deliveries are security events at warn with the CallSid, and name no PIN, code or number', async () => {
    const capture = logCapture();
    const hotline = await startIdentityHotline({ logDestination: capture.stream, logLevel: 'debug' });
    const secrets = new Set<string>();
    const numbers = new Set<string>();
    const typed = (digits: string) => {
      secrets.add(digits);
      return digits;
    };
    try {
      // A sprayer types a registered number and one no wallet has, wrong PINs for both:
      // three lock the wallet (pin-lockout), the fifth bars the caller ID (velocity-refused).
      const sprayer = someCaller();
      const unregistered = '13911112222';
      [sprayer, WALLETS.active.phone, unregistered].forEach((number) => numbers.add(number));
      const spray = await hotline.call({ from: sprayer }).dial();
      await spray.press('2');
      await spray.press('1');
      await spray.press(WALLETS.active.phone.slice(3));
      for (const wrong of ['100001', '100002', '100003']) await spray.press(typed(wrong));
      expect(spray.heard).toEqual([prompt('identity.locked', 'zh-CN', { minutes: 15 })]);
      await spray.press('#');
      await spray.press('1');
      await spray.press(unregistered);
      await spray.press(typed('100004'));
      await spray.press(typed('100005'));
      expect(spray.heard).toEqual([prompt('identity.refused', 'zh-CN', { minutes: 60 })]);

      // Three wrong codes lock the wallet (code-lockout); a duplicate of the first wrong code runs once.
      const { phone, pin, id } = WALLETS.passwordLocked;
      numbers.add(phone);
      const l2 = await hotline.call({ from: phone }).dial();
      await l2.press('1');
      await l2.press('2');
      await l2.press(typed(pin));
      const code = typed(hotline.codesSentTo(phone).at(-1)!);
      const wrongCode = typed(code === '000000' ? '000001' : '000000');
      const copy = l2.request(l2.gather!.action, { Digits: wrongCode, CallStatus: 'in-progress' });
      await Promise.all([injectWebhook(hotline.app, copy), injectWebhook(hotline.app, copy)]);
      // Counted once: two more wrong codes lock, the first of them still answers "wrong".
      const again = hotline.call({ from: phone, callSid: l2.callSid });
      await again.send(copy.url.replace(/rev=(\d+)/, (_, rev: string) => `rev=${Number(rev) + 1}`), { Digits: wrongCode, CallStatus: 'in-progress' });
      expect(again.heard).toEqual([prompt('identity.codeWrong', 'zh-CN', { attemptsLeft: 1 }), prompt('identity.code')]);
      await again.press(wrongCode);
      expect(again.heard).toEqual([prompt('identity.locked', 'zh-CN', { minutes: 15 })]);

      // SMS refused: the same kind twice, a landline.
      const texter = someCaller();
      const landline = '+861088886666';
      [texter, landline].forEach((number) => numbers.add(number));
      const sms = await hotline.call({ from: texter }).dial();
      await sms.press('3');
      await sms.press('1');
      await sms.press('1');
      await sms.press('1');
      expect(sms.heard[0]).toBe(prompt('sms.refused.alreadySent'));
      const fixed = await hotline.call({ from: landline }).dial();
      await fixed.press('3');
      await fixed.press('1');
      await fixed.press('1');
      expect(fixed.heard[0]).toBe(prompt('sms.refused.notMobile'));

      const lines = capture
        .text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { level: number; securityEvent?: string; callSid?: string; reason?: string; msg: string });
      const events = lines.filter((line) => line.securityEvent);
      const kinds = (callSid: string) => events.filter((event) => event.callSid === callSid).map((event) => event.securityEvent);
      expect(events.every((event) => event.level === 40)).toBe(true);
      expect(kinds(spray.callSid)).toEqual(['pin-lockout', 'velocity-refused']);
      expect(kinds(l2.callSid)).toEqual(['code-lockout']);
      expect(events.filter((event) => event.callSid === sms.callSid)).toEqual([expect.objectContaining({ securityEvent: 'sms-refused', reason: 'alreadySent' })]);
      expect(events.filter((event) => event.callSid === fixed.callSid)).toEqual([expect.objectContaining({ securityEvent: 'sms-refused', reason: 'notMobile' })]);
      expect(lines.some((line) => line.callSid === l2.callSid && /another delivery/.test(line.msg))).toBe(true);

      const logs = capture.text();
      for (const secret of secrets) expect({ secret, logged: standalone(secret).test(logs) }).toEqual({ secret, logged: false });
      for (const number of numbers) {
        const national = number.replace(/^\+86/, '');
        expect({ number, logged: standalone(number).test(logs) || standalone(national).test(logs) }).toEqual({ number, logged: false });
      }
      await hotline.store.values.delete(`wallet:state:${id}`);
    } finally {
      await hotline.close();
    }
  });
});

import { spokenDigits } from '../../src/identity/spoken-forms';
import { TransactionReadout } from '../../src/identity/transaction-readout';
import { catalogue, prompt } from '../support/test-app';
import { demoData, startIdentityHotline, STRANGER, WALLETS, type IdentityHotline } from './support/identity-hotline';

type Language = 'zh-CN' | 'en-US';
const readout = new TransactionReadout(catalogue);
const demo = (id: string) => demoData.wallets.find((wallet) => wallet.id === id)!;

describe('menus 1, 2, 4-2 and 5 with identity, whole calls through the webhooks (Redis)', () => {
  let hotline: IdentityHotline;
  beforeAll(async () => {
    hotline = await startIdentityHotline();
  });
  afterAll(() => hotline.close());

  /** Dials in; 9 switches to English at the main menu. */
  async function dial(from: string, language: Language) {
    const call = await hotline.call({ from }).dial();
    if (language === 'en-US') await call.press('9');
    return call;
  }

  const lastHandoff = (callSid: string) => hotline.handoffs.filter((entry) => entry.callSid === callSid).at(-1);
  const smsTo = (phone: string, callSid: string) =>
    hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.to === phone && entry.callSid === callSid);

  describe.each(['zh-CN', 'en-US'] as const)('in %s', (language) => {
    const p = (key: string, vars = {}) => prompt(key, language, vars);

    it('2-1 asks for the PIN once, reads the last 3 transactions; 2-2 and 2-3 then need no PIN again', async () => {
      const { phone, pin, id } = WALLETS.active;
      const call = await dial(phone, language);
      await call.press('2');
      await call.press('1');
      expect(call.heard).toEqual([p('identity.pin')]);
      expect(call.gather).toMatchObject({ input: 'dtmf', numDigits: 6, finishOnKey: '#' });
      await call.press(pin);
      const newest = [...demo(id).transactions].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, 3);
      const items = newest.map((item) => readout.line(item, language)).join(language === 'en-US' ? ' ' : '');
      expect(call.heard).toEqual([p('transaction.recent', { count: 3, items })]);
      expect(call.heard[0]).toContain(language === 'zh-CN' ? '500元' : '500 yuan');
      expect(call.heard[0]).not.toContain('张晓明');
      expect((await hotline.session(call.callSid))?.facts).toMatchObject({ identityLevel: 1, walletId: id, intent: 'transaction.recent' });

      await call.press('#');
      await call.press('2');
      const failed = demo(id).transactions.find((item) => item.id === 'TX20261123000418')!;
      expect(call.heard).toEqual([p('transaction.failed', readout.failure(failed, language))]);
      expect(call.heard[0]).toContain(p('transaction.advice.insufficientBalance'));
      await call.press('0');
      expect(lastHandoff(call.callSid)).toMatchObject({
        handoff: { tier: 'tier1', intent: 'transaction.failed', priority: 'normal' },
        facts: { identityLevel: 1, walletId: id, subject: { kind: 'transaction', id: failed.id } },
      });
    });

    it('2-3 reads refund status, opens a case: number digit by digit, SMS, then an agent with the case', async () => {
      const { phone, pin, id } = WALLETS.active;
      const call = await dial(phone, language);
      await call.press('2');
      await call.press('3');
      await call.press(pin);
      const items = demo(id).disputes.map((item) => readout.dispute(item, language)).join(language === 'en-US' ? ' ' : '');
      expect(call.heard).toEqual([p('transaction.disputes', { items })]);
      await call.press('1');
      const handoff = lastHandoff(call.callSid)!;
      expect(handoff).toMatchObject({ handoff: { tier: 'tier1', intent: 'transaction.deduction' }, facts: { subject: { kind: 'case' } } });
      const caseId = handoff.facts.subject!.id;
      expect(caseId).toMatch(/^\d{8}$/);
      expect(call.heard[0]).toBe(p('transaction.caseOpened', { caseDigits: spokenDigits(caseId, language) }));
      expect(spokenDigits('10000001', language)).toBe(language === 'en-US' ? '1 0 0 0 0 0 0 1' : '一零零零零零零一');
      expect(call.heard).toContain(p('sms.sent'));
      expect(smsTo(phone, call.callSid).map((sms) => (sms as { body: string }).body)).toEqual([p('sms.transaction.case', { caseId })]);
    });

    it('1-1 sends a reset link to the registered number, once more on 1, then offers only an agent', async () => {
      const { phone, pin } = WALLETS.active;
      const call = await dial(phone, language);
      await call.press('1');
      await call.press('1');
      await call.press(pin);
      expect(call.heard).toEqual([p('account.resetSent')]);
      await call.press('1');
      expect(call.heard).toEqual([p('account.resetResent')]);
      await call.press('1');
      expect(call.heard).toEqual([p('hint.wrongKey'), p('account.resetResent')]);
      const links = smsTo(phone, call.callSid).map((sms) => (sms as { body: string }).body);
      expect(links).toHaveLength(2);
      for (const body of links) expect(body).toContain('https://wallet.baixin.example/reset-password?token=');
      const session = await hotline.session(call.callSid);
      expect(JSON.stringify(session)).not.toContain('reset-password');
      await call.press('0');
      expect(lastHandoff(call.callSid)?.handoff).toMatchObject({ tier: 'tier1', intent: 'account.resetPassword' });
    });

    it('1-2 with a password lock: PIN, SMS code to the registered number, self-service unlock', async () => {
      const { phone, pin, id } = WALLETS.passwordLocked;
      const call = await dial(phone, language);
      await call.press('1');
      await call.press('2');
      await call.press(pin);
      expect(call.heard).toEqual([p('identity.code')]);
      expect(call.gather).toMatchObject({ input: 'dtmf', numDigits: 6 });
      const [code] = hotline.codesSentTo(phone).slice(-1);
      await call.press(code!);
      expect(call.heard).toEqual([p('account.unlockOffer')]);
      expect((await hotline.session(call.callSid))?.facts).toMatchObject({ identityLevel: 2, walletId: id });
      await call.press('1');
      expect(call.heard).toEqual([p('account.unlocked')]);
      expect((await hotline.wallet.findWalletByPhone(phone))?.status).toBe('active');
      // Already verified: the reset link goes out at once.
      await call.press('1');
      expect(call.heard).toEqual([p('account.resetSent')]);
      await hotline.store.values.delete(`wallet:state:${id}`);
    });

    it('1-2 with a security lock: after L2 the security desk, urgent', async () => {
      const { phone, pin } = WALLETS.securityLocked;
      const call = await dial(phone, language);
      await call.press('1');
      await call.press('2');
      await call.press(pin);
      await call.press(hotline.codesSentTo(phone).at(-1)!);
      expect(call.heard[0]).toBe(p('account.securityLock'));
      expect(lastHandoff(call.callSid)?.handoff).toEqual({ tier: 'tier2', intent: 'account.locked', priority: 'urgent', reason: 'flow' });
    });

    it('1-3 from an unknown caller ID: registered number typed, PIN, code to the registered phone, agent', async () => {
      const { phone, pin, id } = WALLETS.english;
      const call = await dial(STRANGER, language);
      await call.press('1');
      await call.press('3');
      expect(call.heard).toEqual([p('identity.phone')]);
      expect(call.gather).toMatchObject({ input: 'dtmf', finishOnKey: '#' });
      await call.press('12');
      expect(call.heard).toEqual([p('identity.phoneInvalid'), p('identity.phone')]);
      await call.press(phone.replace('+', ''));
      expect(call.heard).toEqual([p('identity.pin')]);
      await call.press(pin);
      expect(hotline.codesSentTo(STRANGER)).toEqual([]);
      await call.press(hotline.codesSentTo(phone).at(-1)!);
      expect(call.heard[0]).toBe(p('account.changeDetails'));
      expect(lastHandoff(call.callSid)).toMatchObject({
        handoff: { tier: 'tier1', intent: 'account.changeDetails', priority: 'normal' },
        facts: { identityLevel: 2, walletId: id },
      });
    });

    it('a number no wallet has is heard like a registered one: the PIN is asked, and is simply wrong', async () => {
      const call = await dial(STRANGER, language);
      await call.press('2');
      await call.press('1');
      // Its own number per language: wrong PINs for a number count across calls, like a wallet's.
      await call.press(language === 'zh-CN' ? '13900000001' : '13900000002');
      expect(call.heard).toEqual([p('identity.pin')]);
      await call.press('123456');
      expect(call.heard).toEqual([p('identity.pinWrong', { attemptsLeft: 2 }), p('identity.pin')]);
      expect((await hotline.session(call.callSid))?.facts.identityLevel).toBe(0);
    });

    it('5 verifies, freezes the wallet at once and goes to the security desk at top priority', async () => {
      const { phone, pin, id } = WALLETS.english;
      const call = await dial(phone, language);
      await call.press('5');
      expect(call.heard).toEqual([p('fraud.intro'), p('identity.pin')]);
      await call.press(pin);
      expect(call.heard[0]).toBe(p('fraud.frozen'));
      expect(lastHandoff(call.callSid)).toMatchObject({
        handoff: { tier: 'tier2', intent: 'fraud.freeze', priority: 'urgent' },
        facts: { identityLevel: 1, walletId: id },
      });
      expect((await hotline.wallet.findWalletByPhone(phone))?.status).toBe('frozen');
      await hotline.store.values.delete(`wallet:state:${id}`);
    });

    it('2-1 and 2-2 for a wallet with no transactions say so', async () => {
      const { phone, pin } = WALLETS.english;
      const call = await dial(phone, language);
      await call.press('2');
      await call.press('1');
      await call.press(pin);
      expect(call.heard).toEqual([p('transaction.recentNone')]);
      await call.press('#');
      await call.press('2');
      expect(call.heard).toEqual([p('transaction.failedNone')]);
      await call.press('#');
      await call.press('3');
      expect(call.heard).toEqual([p('transaction.disputesNone')]);
    });

    it('4-2: a verified caller also hears the points balance; an unverified one does not', async () => {
      const { phone, pin } = WALLETS.active;
      const anonymous = await dial(phone, language);
      await anonymous.press('4');
      await anonymous.press('2');
      expect(anonymous.heard).toEqual([p('features.points')]);

      const call = await dial(phone, language);
      await call.press('2');
      await call.press('1');
      await call.press(pin);
      await call.press('#');
      await call.press('#');
      await call.press('4');
      await call.press('2');
      expect(call.heard).toEqual([p('features.pointsWithBalance', { points: 1280 })]);
    });
  });

  it('2-2 for a risk-control stop and a wrong payee give the advice for that reason', async () => {
    for (const [wallet, reason] of [
      [WALLETS.securityLocked, 'riskControl'],
      [WALLETS.passwordLocked, 'wrongPayee'],
    ] as const) {
      const call = await dial(wallet.phone, 'zh-CN');
      await call.press('2');
      await call.press('2');
      await call.press(wallet.pin);
      expect(call.heard[0]).toContain(prompt(`transaction.reason.${reason}`));
      expect(call.heard[0]).toContain(prompt(`transaction.advice.${reason}`));
    }
  });

  it('*, 0 and silence work in the PIN entry; # goes back', async () => {
    const call = await dial(WALLETS.active.phone, 'zh-CN');
    await call.press('2');
    await call.press('1');
    await call.press('*');
    expect(call.heard).toEqual([prompt('identity.pin')]);
    await call.silence();
    expect(call.heard).toEqual([prompt('hint.noInput'), prompt('identity.pin')]);
    await call.press('12');
    expect(call.heard).toEqual([prompt('identity.pinInvalid'), prompt('identity.pin')]);
    await call.press('#');
    expect(call.heard).toEqual([prompt('transaction.menu')]);
    await call.press('1');
    await call.press('0');
    expect(lastHandoff(call.callSid)?.handoff).toMatchObject({ intent: 'transaction.recent', reason: 'asked' });
  });
});

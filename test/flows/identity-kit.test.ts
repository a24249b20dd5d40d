import { accountMenu } from '../../flows/account-menu';
import { fraudMenu } from '../../flows/fraud-menu';
import type { CallFacts, Handoff } from '../../flows/menu-contract';
import { transactionMenu } from '../../flows/transaction-menu';
import { agentExit, requestAction, sayAction, walk, type MenuWalk } from './step';

/**
 * The identity gate (flows/identity-kit.ts, SPEC §3) through the real menus that use it:
 * the password reset (account 1, L1), personal details (account 3, L2, ends at an agent) and
 * fraud (menu 5, L1, tier2 urgent). Effects are answered by hand with each outcome they may give.
 */
const PIN = '123456';
const WRONG_PIN = '999999';
const CODE = '482913';
const WALLET = 'W100000001';
const L1: CallFacts = { identityLevel: 1, walletId: WALLET };
const L2: CallFacts = { identityLevel: 2, walletId: WALLET };

const resetDesk: Omit<Handoff, 'reason'> = { tier: 'tier1', intent: 'account.resetPassword', priority: 'normal' };
const detailsDesk: Omit<Handoff, 'reason'> = { tier: 'tier1', intent: 'account.changeDetails', priority: 'normal' };
const fraudDesk: Omit<Handoff, 'reason'> = { tier: 'tier2', intent: 'fraud.freeze', priority: 'urgent' };

/** Account 1 (reset, L1) up to the caller-ID look-up. */
function reset(facts?: CallFacts): MenuWalk {
  const menu = walk(accountMenu, facts);
  menu.press('1');
  return menu;
}
/** Account 3 (details, L2) up to the caller-ID look-up. */
function details(facts?: CallFacts): MenuWalk {
  const menu = walk(accountMenu, facts);
  menu.press('3');
  return menu;
}
const atPin = (start: () => MenuWalk) => () => {
  const menu = start();
  menu.answer('lookupCaller', 'found');
  return menu;
};
const atPhone = (start: () => MenuWalk) => () => {
  const menu = start();
  menu.answer('lookupCaller', 'unknown');
  return menu;
};
/** Details gate past the PIN, at the one-time code entry. */
function atCode(): MenuWalk {
  const menu = atPin(details)();
  menu.press(PIN);
  menu.answer('verifyPin', 'verified', { facts: L1 });
  menu.answer('sendCode', 'sent');
  return menu;
}

describe('the identity gate', () => {
  describe('entering it', () => {
    it('an unverified caller: the topic becomes the intent and the caller ID is looked up', () => {
      const menu = walk(accountMenu);
      expect(menu.press('1')).toEqual([requestAction('lookupCaller')]);
      expect(menu.awaits).toBe('lookupCaller');
      expect(menu.context.facts.intent).toBe('account.resetPassword');
    });

    it('an L1 gate skips everything for a caller already at L1 (identity is not asked twice)', () => {
      const menu = walk(accountMenu, L1);
      expect(menu.press('1')).toEqual([requestAction('sendResetLink')]);
    });

    it('an L2 gate starts at the SMS code for a caller at L1', () => {
      const menu = walk(accountMenu, L1);
      expect(menu.press('3')).toEqual([requestAction('sendCode')]);
      expect(menu.awaits).toBe('sendCode');
    });

    it('an L2 gate lets a caller at L2 straight through', () => {
      const menu = walk(accountMenu, L2);
      menu.press('3');
      expect(menu.history.filter((action) => action.type === 'request')).toEqual([]);
      expect(menu.exit).toEqual(agentExit({ ...detailsDesk, reason: 'flow' }));
    });
  });

  describe('the caller-ID look-up (lookupCaller)', () => {
    it('found → the PIN entry, DTMF only', () => {
      const menu = reset();
      expect(menu.answer('lookupCaller', 'found')).toEqual([]);
      expect(menu.meta).toEqual({ prompt: 'identity.pin', gather: 'pin', intent: 'account.resetPassword' });
    });

    it('unknown → the registered number is asked for (DTMF only)', () => {
      const menu = reset();
      expect(menu.answer('lookupCaller', 'unknown')).toEqual([]);
      expect(menu.meta).toEqual({ prompt: 'identity.phone', gather: 'phone', intent: 'account.resetPassword' });
    });

    it('locked → the lock notice, with the minutes the effect gave', () => {
      const menu = reset();
      expect(menu.answer('lookupCaller', 'locked', { vars: { minutes: 12 } })).toEqual([]);
      expect(menu.prompt).toBe('identity.locked');
      expect(menu.context.vars).toMatchObject({ minutes: 12 });
      expect(menu.context.facts.identityLevel).toBe(0);
    });

    it('refused (the caller ID typed too many wrong PINs across wallets) → its own notice, with the minutes', () => {
      const menu = reset();
      expect(menu.answer('lookupCaller', 'refused', { vars: { minutes: 55 } })).toEqual([]);
      expect(menu.meta).toEqual({ prompt: 'identity.refused', gather: 'menu', options: [], intent: 'account.resetPassword' });
      expect(menu.context.vars).toMatchObject({ minutes: 55 });
      menu.press('0');
      expect(menu.exit).toEqual(agentExit({ ...resetDesk, reason: 'asked' }));
    });

    it.each(['unavailable', 'somethingUnexpected'])('%s → the apology state, never stuck awaiting', (outcome) => {
      const menu = reset();
      menu.answer('lookupCaller', outcome);
      expect(menu.prompt).toBe('identity.unavailable');
    });
  });

  describe('the registered number entry (lookupPhone)', () => {
    const phone = atPhone(reset);

    it('the typed number goes to lookupPhone and nowhere else', () => {
      const menu = phone();
      expect(menu.press('13800000001')).toEqual([requestAction('lookupPhone', { phone: '13800000001' })]);
      expect(menu.persisted).not.toContain('13800000001');
    });

    it('found → the PIN entry', () => {
      const menu = phone();
      menu.press('8613800000001');
      expect(menu.answer('lookupPhone', 'found')).toEqual([]);
      expect(menu.prompt).toBe('identity.pin');
    });

    it('no answer tells a number no wallet has apart: "unknown" is not one of lookupPhone\'s, and counts as malformed', () => {
      const menu = phone();
      menu.press('13800000009');
      expect(menu.answer('lookupPhone', 'unknown')).toEqual([sayAction('identity.phoneInvalid')]);
      expect(menu.prompt).toBe('identity.phone');
    });

    it('refused → the refusal notice with an agent on 0', () => {
      const menu = phone();
      menu.press('13800000001');
      menu.answer('lookupPhone', 'refused', { vars: { minutes: 60 } });
      expect(menu.prompt).toBe('identity.refused');
      expect(menu.context.vars).toMatchObject({ minutes: 60 });
    });

    it('invalid (not a mobile number) → its own hint; the third failure hands off', () => {
      const menu = phone();
      menu.press('123');
      expect(menu.answer('lookupPhone', 'invalid')).toEqual([sayAction('identity.phoneInvalid')]);
      expect(menu.prompt).toBe('identity.phone');
      expect(menu.silence()).toEqual([sayAction('hint.noInput')]);
      menu.press('456');
      menu.answer('lookupPhone', 'invalid');
      expect(menu.exit).toEqual(agentExit({ ...resetDesk, reason: 'strikes' }));
    });

    it('locked → the lock notice; unavailable → the apology state', () => {
      const locked = phone();
      locked.press('13800000001');
      locked.answer('lookupPhone', 'locked', { vars: { minutes: 15 } });
      expect(locked.prompt).toBe('identity.locked');
      const down = phone();
      down.press('13800000001');
      down.answer('lookupPhone', 'unavailable');
      expect(down.prompt).toBe('identity.unavailable');
    });

    it('*, # and 0 work in the entry: replay, back to the menu, agent for the topic', () => {
      const star = phone();
      expect(star.press('*')).toEqual([]);
      expect(star.prompt).toBe('identity.phone');
      const back = phone();
      back.press('#');
      expect(back.prompt).toBe('account.menu');
      const agent = phone();
      agent.press('0');
      expect(agent.exit).toEqual(agentExit({ ...resetDesk, reason: 'asked' }));
    });
  });

  describe('the PIN entry (verifyPin)', () => {
    const pin = atPin(reset);

    it('the PIN typed is handed to verifyPin, and exists only in that request', () => {
      const menu = pin();
      expect(menu.press(PIN)).toEqual([requestAction('verifyPin', { pin: PIN })]);
      expect(menu.persisted).not.toContain(PIN);
      expect(JSON.stringify(menu.context)).not.toContain(PIN);
    });

    it('verified → L1 learned (level and wallet), and the gate is done: on to the leaf', () => {
      const menu = pin();
      menu.press(PIN);
      expect(menu.answer('verifyPin', 'verified', { facts: L1 })).toEqual([requestAction('sendResetLink')]);
      expect(menu.context.facts).toMatchObject({ identityLevel: 1, walletId: WALLET, intent: 'account.resetPassword' });
      // The stored snapshot does hold what was learned (so the check below is not vacuous), but not the PIN.
      expect(menu.persisted).toContain(WALLET);
      expect(menu.persisted).not.toContain(PIN);
    });

    it('verified in an L2 gate → the SMS code is sent next', () => {
      const menu = atPin(details)();
      menu.press(PIN);
      expect(menu.answer('verifyPin', 'verified', { facts: L1 })).toEqual([requestAction('sendCode')]);
    });

    it('wrong → "not correct, N tries left", the entry again; wrong PINs are counted by the lockout, not as strikes', () => {
      const menu = pin();
      for (const attemptsLeft of [2, 1, 0]) {
        menu.press(WRONG_PIN);
        expect(menu.answer('verifyPin', 'wrong', { vars: { attemptsLeft } })).toEqual([sayAction('identity.pinWrong', { attemptsLeft })]);
        expect(menu.prompt).toBe('identity.pin');
      }
      expect(menu.context.facts.identityLevel).toBe(0);
      expect(menu.persisted).not.toContain(WRONG_PIN);
    });

    it('locked (the third wrong PIN) → the lock notice, still unverified', () => {
      const menu = pin();
      menu.press(WRONG_PIN);
      menu.answer('verifyPin', 'locked', { vars: { minutes: 15 } });
      expect(menu.prompt).toBe('identity.locked');
      expect(menu.context.facts.identityLevel).toBe(0);
      expect(menu.context.vars).toMatchObject({ minutes: 15 });
    });

    it('refused (the caller typed too many wrong PINs across wallets) → the refusal notice, still unverified', () => {
      const menu = pin();
      menu.press(WRONG_PIN);
      expect(menu.answer('verifyPin', 'refused', { vars: { minutes: 60 } })).toEqual([]);
      expect(menu.prompt).toBe('identity.refused');
      expect(menu.context.facts.identityLevel).toBe(0);
    });

    it('invalid (not 6 digits) → the PIN hint; the third failure hands off', () => {
      const menu = pin();
      menu.press('12');
      expect(menu.answer('verifyPin', 'invalid')).toEqual([sayAction('identity.pinInvalid')]);
      menu.press('1234567');
      expect(menu.answer('verifyPin', 'invalid')).toEqual([sayAction('identity.pinInvalid')]);
      menu.press('1');
      menu.answer('verifyPin', 'invalid');
      expect(menu.exit).toEqual(agentExit({ ...resetDesk, reason: 'strikes' }));
      expect(menu.persisted).not.toMatch(/1234567/);
    });

    it('an answer nobody expects counts as malformed input, not as a verification', () => {
      const menu = pin();
      menu.press(PIN);
      expect(menu.answer('verifyPin', 'somethingUnexpected', { facts: L1 })).toEqual([sayAction('identity.pinInvalid')]);
      expect(menu.context.facts.identityLevel).toBe(0);
    });

    it('unavailable → the apology state', () => {
      const menu = pin();
      menu.press(PIN);
      menu.answer('verifyPin', 'unavailable');
      expect(menu.prompt).toBe('identity.unavailable');
    });

    it('silence → the no-input hint; three silences hand off', () => {
      const menu = pin();
      expect(menu.silence()).toEqual([sayAction('hint.noInput')]);
      menu.silence();
      expect(menu.silence()).toEqual([]);
      expect(menu.exit).toEqual(agentExit({ ...resetDesk, reason: 'strikes' }));
    });

    it('*, # and 0 are keys, not PIN digits: replay, back, agent (nothing requested)', () => {
      const star = pin();
      expect(star.press('*')).toEqual([]);
      expect(star.prompt).toBe('identity.pin');
      const back = pin();
      expect(back.press('#')).toEqual([]);
      expect(back.prompt).toBe('account.menu');
      const agent = pin();
      expect(agent.press('0')).toEqual([]);
      expect(agent.exit).toEqual(agentExit({ ...resetDesk, reason: 'asked' }));
    });

    it('a PIN starting with 0 or holding * is still submitted whole (only the bare keys are commands)', () => {
      const menu = pin();
      expect(menu.press('012345')).toEqual([requestAction('verifyPin', { pin: '012345' })]);
      expect(menu.press('12*456')).toEqual([requestAction('verifyPin', { pin: '12*456' })]);
    });

    it('no PIN typed in a whole gate ends up in the stored snapshot, whatever the answers', () => {
      const menu = pin();
      const typed = ['111111', '222222', PIN];
      menu.press(typed[0]!);
      menu.answer('verifyPin', 'wrong', { vars: { attemptsLeft: 2 } });
      menu.press(typed[1]!);
      menu.answer('verifyPin', 'invalid');
      menu.press(typed[2]!);
      menu.answer('verifyPin', 'verified', { facts: L1 });
      for (const secret of typed) expect(menu.persisted).not.toContain(secret);
      // They left the machine only as the args of the verifyPin requests.
      const carrying = menu.history.filter((action) => typed.some((secret) => JSON.stringify(action).includes(secret)));
      expect(carrying).toEqual(typed.map((secret) => requestAction('verifyPin', { pin: secret })));
    });
  });

  describe('the one-time code (sendCode, verifyCode, resendCode)', () => {
    const sent = () => {
      const menu = atPin(details)();
      menu.press(PIN);
      menu.answer('verifyPin', 'verified', { facts: L1 });
      return menu;
    };

    it('sent → the code entry, DTMF only', () => {
      const menu = sent();
      expect(menu.answer('sendCode', 'sent')).toEqual([]);
      expect(menu.meta).toEqual({ prompt: 'identity.code', gather: 'code', intent: 'account.changeDetails' });
    });

    it('resendUsed (no code may be sent) → "no more codes", with an agent on 0', () => {
      const menu = sent();
      menu.answer('sendCode', 'resendUsed');
      expect(menu.prompt).toBe('identity.noMoreCodes');
      menu.press('0');
      expect(menu.exit).toEqual(agentExit({ ...detailsDesk, reason: 'asked' }));
    });

    it('limited (the SMS limits refused the code) → "too many codes", with an agent on 0', () => {
      const menu = sent();
      menu.answer('sendCode', 'limited');
      expect(menu.meta).toEqual({ prompt: 'identity.codeLimited', gather: 'menu', options: [], intent: 'account.changeDetails' });
      menu.press('0');
      expect(menu.exit).toEqual(agentExit({ ...detailsDesk, reason: 'asked' }));
    });

    it('locked → the lock notice; unavailable → the apology state', () => {
      const locked = sent();
      locked.answer('sendCode', 'locked', { vars: { minutes: 40 } });
      expect(locked.prompt).toBe('identity.locked');
      const down = sent();
      down.answer('sendCode', 'unavailable');
      expect(down.prompt).toBe('identity.unavailable');
    });

    it('the code typed goes to verifyCode only; verified → L2 and the leaf (an agent, for details)', () => {
      const menu = atCode();
      expect(menu.press(CODE)).toEqual([requestAction('verifyCode', { code: CODE })]);
      expect(menu.persisted).not.toContain(CODE);
      menu.answer('verifyCode', 'verified', { facts: { identityLevel: 2 } });
      expect(menu.exit).toEqual(agentExit({ ...detailsDesk, reason: 'flow' }));
      expect(menu.context.facts).toMatchObject({ identityLevel: 2, walletId: WALLET });
      expect(menu.persisted).not.toContain(CODE);
      expect(menu.persisted).not.toContain(PIN);
    });

    it('wrong → "not correct, N tries left" and the entry again', () => {
      const menu = atCode();
      menu.press('000000');
      expect(menu.answer('verifyCode', 'wrong', { vars: { attemptsLeft: 2 } })).toEqual([sayAction('identity.codeWrong', { attemptsLeft: 2 })]);
      expect(menu.prompt).toBe('identity.code');
      expect(menu.context.facts.identityLevel).toBe(1);
    });

    it('* replays the prompt and asks for a fresh code; its answers are spoken', () => {
      const menu = atCode();
      expect(menu.press('*')).toEqual([requestAction('resendCode')]);
      expect(menu.answer('resendCode', 'sent')).toEqual([sayAction('identity.codeResent')]);
      expect(menu.prompt).toBe('identity.code');
      menu.press('*');
      expect(menu.answer('resendCode', 'resendUsed')).toEqual([sayAction('identity.codeResendUsed')]);
      expect(menu.prompt).toBe('identity.code');
      // Refused by the SMS limits: the code already sent still works, so the caller stays to type it.
      menu.press('*');
      expect(menu.answer('resendCode', 'limited')).toEqual([sayAction('identity.codeResendLimited')]);
      expect(menu.prompt).toBe('identity.code');
    });

    it('expired → "the code expired, 1 for a new one"; 1 resends, and sent brings the entry back', () => {
      const menu = atCode();
      menu.press(CODE);
      menu.answer('verifyCode', 'expired');
      expect(menu.meta).toEqual({ prompt: 'identity.codeExpired', gather: 'menu', intent: 'account.changeDetails', options: ['1'] });
      expect(menu.press('1')).toEqual([requestAction('resendCode')]);
      expect(menu.answer('resendCode', 'sent')).toEqual([sayAction('identity.codeResent')]);
      expect(menu.prompt).toBe('identity.code');
    });

    it.each([
      ['the one resend already used', 'resendUsed', 'identity.noMoreCodes'],
      ['a new code refused by the SMS limits', 'limited', 'identity.codeLimited'],
    ] as const)('expired, and %s → its own menu', (_case, outcome, promptKey) => {
      const menu = atCode();
      menu.press(CODE);
      menu.answer('verifyCode', 'expired');
      menu.press('1');
      menu.answer('resendCode', outcome);
      expect(menu.prompt).toBe(promptKey);
    });

    it('invalid → the code hint; the third failure hands off with strikes', () => {
      const menu = atCode();
      menu.press('12');
      expect(menu.answer('verifyCode', 'invalid')).toEqual([sayAction('identity.codeInvalid')]);
      menu.silence();
      menu.press('34');
      menu.answer('verifyCode', 'invalid');
      expect(menu.exit).toEqual(agentExit({ ...detailsDesk, reason: 'strikes' }));
    });

    it('locked (too many wrong codes) → the lock notice; unavailable → the apology state', () => {
      const locked = atCode();
      locked.press(CODE);
      locked.answer('verifyCode', 'locked', { vars: { minutes: 15 } });
      expect(locked.prompt).toBe('identity.locked');
      expect(locked.context.facts.identityLevel).toBe(1);
      const down = atCode();
      down.press(CODE);
      down.answer('verifyCode', 'unavailable');
      expect(down.prompt).toBe('identity.unavailable');
    });
  });

  describe('the lock notice and the apology state offer an agent and a way back', () => {
    const states = [
      ['identity.locked', (start: () => MenuWalk) => {
        const menu = start();
        menu.answer('lookupCaller', 'locked', { vars: { minutes: 15 } });
        return menu;
      }],
      ['identity.refused', (start: () => MenuWalk) => {
        const menu = start();
        menu.answer('lookupCaller', 'refused', { vars: { minutes: 60 } });
        return menu;
      }],
      ['identity.unavailable', (start: () => MenuWalk) => {
        const menu = start();
        menu.answer('lookupCaller', 'unavailable');
        return menu;
      }],
    ] as const;

    it.each(states)('%s in the reset gate: 0 → tier1 for the topic, # → the account menu, wrong key → hint', (promptKey, reach) => {
      const menu = reach(() => reset());
      expect(menu.meta).toEqual({ prompt: promptKey, gather: 'menu', intent: 'account.resetPassword', options: [] });
      expect(menu.press('7')).toEqual([sayAction('hint.wrongKey')]);
      menu.press('0');
      expect(menu.exit).toEqual(agentExit({ ...resetDesk, reason: 'asked' }));
      const back = reach(() => reset());
      back.press('#');
      expect(back.prompt).toBe('account.menu');
    });

    it.each(states)('%s does not exist in the fraud gate: a caller who cannot be verified goes straight to the security desk', (_promptKey, reach) => {
      const menu = reach(() => walk(fraudMenu));
      expect(menu.prompt).toBeUndefined();
      expect(menu.history).toContainEqual(sayAction('fraud.unverified'));
      expect(menu.exit).toEqual(agentExit({ ...fraudDesk, reason: 'flow' }));
    });
  });

  it('an L1 gate in another menu (transactions) takes the same steps to the same effects', () => {
    const menu = walk(transactionMenu);
    expect(menu.press('2')).toEqual([requestAction('lookupCaller')]);
    menu.answer('lookupCaller', 'found');
    expect(menu.press(PIN)).toEqual([requestAction('verifyPin', { pin: PIN })]);
    expect(menu.answer('verifyPin', 'verified', { facts: L1 })).toEqual([requestAction('failedTransaction')]);
    expect(menu.context.facts).toMatchObject({ identityLevel: 1, intent: 'transaction.failed' });
    expect(menu.persisted).not.toContain(PIN);
  });
});

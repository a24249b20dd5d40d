import { accountMenu } from '../../flows/account-menu';
import type { CallFacts, Handoff } from '../../flows/menu-contract';
import { itBehavesLikeAMenuState } from './menu-basics';
import { agentExit, requestAction, sayAction, walk, type MenuWalk } from './step';

const WALLET = 'W100000002';
const L1: CallFacts = { identityLevel: 1, walletId: WALLET };
const L2: CallFacts = { identityLevel: 2, walletId: WALLET };
const securityDesk: Handoff = { tier: 'tier2', intent: 'account.locked', priority: 'urgent', reason: 'flow' };

const start = (facts?: CallFacts) => walk(accountMenu, facts);
function chose(key: string, facts?: CallFacts): MenuWalk {
  const menu = start(facts);
  menu.press(key);
  return menu;
}
/** 1 at L1: the reset link has been sent. */
function resetSent(): MenuWalk {
  const menu = chose('1', L1);
  menu.answer('sendResetLink', 'sent');
  return menu;
}
/** 2 at L2: the lock status is asked for. */
const lockReason = () => chose('2', L2);
function unlockOffer(): MenuWalk {
  const menu = lockReason();
  menu.answer('lockStatus', 'wrongPassword');
  return menu;
}

describe('account menu machine (menu 1)', () => {
  it('starts in its menu with nothing requested', () => {
    const menu = start();
    expect(menu.actions).toEqual([]);
    expect(menu.meta).toEqual({ prompt: 'account.menu', gather: 'menu', intent: 'account', options: ['1', '2', '3'] });
  });

  itBehavesLikeAMenuState({
    reach: () => start(),
    prompt: 'account.menu',
    options: ['1', '2', '3'],
    back: { exit: { kind: 'back' } },
    agent: { tier: 'tier1', intent: 'account', priority: 'normal' },
  });

  describe('each option needs its identity level first (the gate itself: identity-kit.test.ts)', () => {
    it.each([
      ['1', 'account.resetPassword'],
      ['2', 'account.locked'],
      ['3', 'account.changeDetails'],
    ])('%s from an unverified caller looks up the caller ID first (intent %s)', (key, intent) => {
      const menu = chose(key);
      expect(menu.actions).toEqual([requestAction('lookupCaller')]);
      expect(menu.context.facts.intent).toBe(intent);
    });

    it('2 and 3 need L2: a caller at L1 gets an SMS code, not the leaf', () => {
      expect(chose('2', L1).actions).toEqual([requestAction('sendCode')]);
      expect(chose('3', L1).actions).toEqual([requestAction('sendCode')]);
    });

    it('the PIN typed on the way reaches only verifyPin, never the stored snapshot', () => {
      const menu = chose('1');
      menu.answer('lookupCaller', 'found');
      expect(menu.press('654321')).toEqual([requestAction('verifyPin', { pin: '654321' })]);
      menu.answer('verifyPin', 'verified', { facts: L1 });
      expect(menu.actions).toEqual([requestAction('sendResetLink')]);
      expect(menu.persisted).not.toContain('654321');
    });
  });

  describe('1, forgot password: SMS with a reset link, one resend', () => {
    it('the link is sent once verified; sent → "sent, 1 to resend"', () => {
      const menu = chose('1', L1);
      expect(menu.actions).toEqual([requestAction('sendResetLink')]);
      expect(menu.awaits).toBe('sendResetLink');
      menu.answer('sendResetLink', 'sent');
      expect(menu.meta).toEqual({ prompt: 'account.resetSent', gather: 'menu', intent: 'account.resetPassword', options: ['1'] });
    });

    it('1 resends once; after that there is no option 1 any more', () => {
      const menu = resetSent();
      expect(menu.press('1')).toEqual([requestAction('sendResetLink')]);
      menu.answer('sendResetLink', 'sent');
      expect(menu.meta).toEqual({ prompt: 'account.resetResent', gather: 'menu', intent: 'account.resetPassword', options: [] });
      expect(menu.press('1')).toEqual([sayAction('hint.wrongKey')]);
      expect(menu.history.filter((action) => action.type === 'request')).toHaveLength(2);
    });

    it('a link the SMS limits refused → "no more SMS to your phone for now", with an agent on 0', () => {
      const menu = chose('1', L1);
      menu.answer('sendResetLink', 'refused');
      expect(menu.meta).toEqual({ prompt: 'account.resetRefused', gather: 'menu', options: [], intent: 'account.resetPassword' });
      menu.press('0');
      expect(menu.exit).toEqual(agentExit({ tier: 'tier1', intent: 'account.resetPassword', priority: 'normal', reason: 'asked' }));
    });

    it.each(['unavailable', 'somethingUnexpected'])('a link that could not be sent (%s) → the apology state', (outcome) => {
      const menu = chose('1', L1);
      menu.answer('sendResetLink', outcome);
      expect(menu.prompt).toBe('identity.unavailable');
      menu.press('0');
      expect(menu.exit).toEqual(agentExit({ tier: 'tier1', intent: 'account.resetPassword', priority: 'normal', reason: 'asked' }));
    });

    itBehavesLikeAMenuState({
      reach: resetSent,
      prompt: 'account.resetSent',
      options: ['1'],
      back: { prompt: 'account.menu' },
      agent: { tier: 'tier1', intent: 'account.resetPassword', priority: 'normal' },
    });

    itBehavesLikeAMenuState({
      reach: () => {
        const menu = resetSent();
        menu.press('1');
        menu.answer('sendResetLink', 'sent');
        return menu;
      },
      prompt: 'account.resetResent',
      options: [],
      back: { prompt: 'account.menu' },
      agent: { tier: 'tier1', intent: 'account.resetPassword', priority: 'normal' },
    });
  });

  describe('2, account locked: the reason of the lock decides', () => {
    it('at L2 the lock status is asked for at once', () => {
      const menu = lockReason();
      expect(menu.actions).toEqual([requestAction('lockStatus')]);
      expect(menu.awaits).toBe('lockStatus');
    });

    it('the whole way from an unverified caller: caller ID, PIN, SMS code, then the lock status', () => {
      const menu = chose('2');
      menu.answer('lookupCaller', 'found');
      menu.press('654321');
      expect(menu.answer('verifyPin', 'verified', { facts: L1 })).toEqual([requestAction('sendCode')]);
      menu.answer('sendCode', 'sent');
      expect(menu.press('135790')).toEqual([requestAction('verifyCode', { code: '135790' })]);
      expect(menu.answer('verifyCode', 'verified', { facts: { identityLevel: 2 } })).toEqual([requestAction('lockStatus')]);
      for (const secret of ['654321', '135790']) expect(menu.persisted).not.toContain(secret);
    });

    it('too many wrong passwords → the self-service unlock offer', () => {
      const menu = unlockOffer();
      expect(menu.meta).toEqual({ prompt: 'account.unlockOffer', gather: 'menu', intent: 'account.locked', options: ['1'] });
    });

    it('1 unlocks; unlocked → "unlocked, 1 for a reset link", which needs no new PIN', () => {
      const menu = unlockOffer();
      expect(menu.press('1')).toEqual([requestAction('unlock')]);
      menu.answer('unlock', 'unlocked');
      expect(menu.meta).toEqual({ prompt: 'account.unlocked', gather: 'menu', intent: 'account.locked', options: ['1'] });
      expect(menu.press('1')).toEqual([requestAction('sendResetLink')]);
      expect(menu.context.facts.intent).toBe('account.resetPassword');
    });

    it('an unlock the wallet refuses → the security desk, after telling why', () => {
      const menu = unlockOffer();
      menu.press('1');
      expect(menu.answer('unlock', 'refused')).toEqual([sayAction('account.unlockRefused')]);
      expect(menu.exit).toEqual(agentExit(securityDesk));
    });

    it('an unlock that failed (unavailable) → the apology state, no hand-off yet', () => {
      const menu = unlockOffer();
      menu.press('1');
      menu.answer('unlock', 'unavailable');
      expect(menu.prompt).toBe('identity.unavailable');
    });

    it('suspicious activity → tier2 (security), urgent, after telling why', () => {
      const menu = lockReason();
      expect(menu.answer('lockStatus', 'suspicious')).toEqual([sayAction('account.securityLock')]);
      expect(menu.exit).toEqual(agentExit(securityDesk));
    });

    it('a frozen wallet → the same security desk, with its own notice', () => {
      const menu = lockReason();
      expect(menu.answer('lockStatus', 'frozen')).toEqual([sayAction('account.frozen')]);
      expect(menu.exit).toEqual(agentExit(securityDesk));
    });

    it('not locked at all → "not locked, 1 for a reset link"', () => {
      const menu = lockReason();
      menu.answer('lockStatus', 'active');
      expect(menu.meta).toEqual({ prompt: 'account.notLocked', gather: 'menu', intent: 'account.locked', options: ['1'] });
      expect(menu.press('1')).toEqual([requestAction('sendResetLink')]);
    });

    it.each(['unavailable', 'somethingUnexpected'])('a lock status of %s → the apology state', (outcome) => {
      const menu = lockReason();
      menu.answer('lockStatus', outcome);
      expect(menu.prompt).toBe('identity.unavailable');
    });

    itBehavesLikeAMenuState({
      reach: unlockOffer,
      prompt: 'account.unlockOffer',
      options: ['1'],
      back: { prompt: 'account.menu' },
      agent: { tier: 'tier1', intent: 'account.locked', priority: 'normal' },
    });

    itBehavesLikeAMenuState({
      reach: () => {
        const menu = lockReason();
        menu.answer('lockStatus', 'active');
        return menu;
      },
      prompt: 'account.notLocked',
      options: ['1'],
      back: { prompt: 'account.menu' },
      agent: { tier: 'tier1', intent: 'account.locked', priority: 'normal' },
    });
  });

  describe('3, personal details: L2, then an agent with the context', () => {
    it('at L2: tier1 hand-off for account.changeDetails, after telling the caller', () => {
      const menu = chose('3', L2);
      expect(menu.actions).toEqual([sayAction('account.changeDetails')]);
      expect(menu.exit).toEqual(agentExit({ tier: 'tier1', intent: 'account.changeDetails', priority: 'normal', reason: 'flow' }));
      expect(menu.context.facts).toMatchObject({ identityLevel: 2, walletId: WALLET, intent: 'account.changeDetails' });
    });

    it('no agent before the code is verified: a wrong code keeps the caller at the entry', () => {
      const menu = chose('3', L1);
      menu.answer('sendCode', 'sent');
      menu.press('000000');
      menu.answer('verifyCode', 'wrong', { vars: { attemptsLeft: 2 } });
      expect(menu.done).toBe(false);
      expect(menu.prompt).toBe('identity.code');
    });
  });
});

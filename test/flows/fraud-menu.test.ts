import { fraudMenu } from '../../flows/fraud-menu';
import type { CallFacts, Handoff } from '../../flows/menu-contract';
import { agentExit, requestAction, sayAction, walk, type MenuWalk } from './step';

const WALLET = 'W100000001';
const L1: CallFacts = { identityLevel: 1, walletId: WALLET };
const desk: Handoff = { tier: 'tier2', intent: 'fraud.freeze', priority: 'urgent', reason: 'flow' };
const askedDesk: Handoff = { ...desk, reason: 'asked' };

function atPin(): MenuWalk {
  const menu = walk(fraudMenu);
  menu.answer('lookupCaller', 'found');
  return menu;
}

describe('fraud / lost phone machine (menu 5)', () => {
  it('an unverified caller hears the intro and is identified at once (no sub-menu)', () => {
    const menu = walk(fraudMenu);
    expect(menu.actions).toEqual([sayAction('fraud.intro'), requestAction('lookupCaller')]);
    expect(menu.context.facts.intent).toBe('fraud.freeze');
  });

  it('a caller already at L1 hears the intro and the wallet is frozen at once', () => {
    const menu = walk(fraudMenu, L1);
    expect(menu.actions).toEqual([sayAction('fraud.intro'), requestAction('freezeWallet')]);
    expect(menu.awaits).toBe('freezeWallet');
  });

  it('PIN verified → freeze; frozen → "frozen", then tier2 at the highest priority', () => {
    const menu = atPin();
    expect(menu.press('123456')).toEqual([requestAction('verifyPin', { pin: '123456' })]);
    expect(menu.answer('verifyPin', 'verified', { facts: L1 })).toEqual([requestAction('freezeWallet')]);
    expect(menu.answer('freezeWallet', 'frozen')).toEqual([sayAction('fraud.frozen')]);
    expect(menu.exit).toEqual(agentExit(desk));
    expect(menu.context.facts).toMatchObject({ identityLevel: 1, walletId: WALLET, intent: 'fraud.freeze' });
    expect(menu.persisted).not.toContain('123456');
  });

  it.each(['unavailable', 'somethingUnexpected'])('a freeze that failed (%s) → "a person will do it now", the same urgent desk', (outcome) => {
    const menu = walk(fraudMenu, L1);
    expect(menu.answer('freezeWallet', outcome)).toEqual([sayAction('fraud.freezeFailed')]);
    expect(menu.exit).toEqual(agentExit(desk));
  });

  it('unknown caller ID → the registered number, then the PIN', () => {
    const menu = walk(fraudMenu);
    menu.answer('lookupCaller', 'unknown');
    expect(menu.meta).toEqual({ prompt: 'identity.phone', gather: 'phone', intent: 'fraud.freeze' });
    expect(menu.press('13800000001')).toEqual([requestAction('lookupPhone', { phone: '13800000001' })]);
    menu.answer('lookupPhone', 'found');
    expect(menu.prompt).toBe('identity.pin');
  });

  describe('every way out of the PIN entry ends at the security desk (or back)', () => {
    it('0 → tier2, urgent, fraud.freeze', () => {
      const menu = atPin();
      menu.press('0');
      expect(menu.exit).toEqual(agentExit(askedDesk));
    });

    it('# → out of the fraud menu, back where the caller came from', () => {
      const menu = atPin();
      menu.press('#');
      expect(menu.exit).toEqual({ kind: 'back' });
    });

    it('* → the PIN prompt again, nothing requested', () => {
      const menu = atPin();
      expect(menu.press('*')).toEqual([]);
      expect(menu.prompt).toBe('identity.pin');
    });

    it('three silences → tier2 urgent with reason strikes', () => {
      const menu = atPin();
      expect(menu.silence()).toEqual([sayAction('hint.noInput')]);
      expect(menu.silence()).toEqual([sayAction('hint.noInput')]);
      menu.silence();
      expect(menu.exit).toEqual(agentExit({ ...desk, reason: 'strikes' }));
    });

    it('a wrong PIN → "not correct", the entry again; the lock → straight to the security desk, nothing frozen', () => {
      const menu = atPin();
      menu.press('999999');
      expect(menu.answer('verifyPin', 'wrong', { vars: { attemptsLeft: 2 } })).toEqual([sayAction('identity.pinWrong', { attemptsLeft: 2 })]);
      menu.press('999998');
      for (const secret of ['999999', '999998']) expect(menu.persisted).not.toContain(secret);
      expect(menu.answer('verifyPin', 'locked', { vars: { minutes: 15 } })).toEqual([sayAction('fraud.unverified')]);
      expect(menu.exit).toEqual(agentExit(desk));
      expect(menu.history.filter((action) => action.type === 'request' && JSON.stringify(action).includes('freezeWallet'))).toEqual([]);
    });

    it.each([
      ['the caller ID lookup finds the wallet locked', 'lookupCaller', 'locked'],
      ['the wallet backend is down', 'lookupCaller', 'unavailable'],
      ['the PIN check cannot be made', 'verifyPin', 'unavailable'],
    ] as const)('%s → straight to the security desk (a person must act now, not a menu)', (_case, effect, outcome) => {
      const menu = effect === 'lookupCaller' ? walk(fraudMenu) : atPin();
      if (effect === 'verifyPin') menu.press('123456');
      expect(menu.answer(effect, outcome)).toEqual([sayAction('fraud.unverified')]);
      expect(menu.exit).toEqual(agentExit(desk));
    });
  });
});

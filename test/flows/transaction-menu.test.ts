import type { EffectName } from '../../flows/effect-contract';
import type { CallFacts } from '../../flows/menu-contract';
import { transactionMenu } from '../../flows/transaction-menu';
import { itBehavesLikeAMenuState } from './menu-basics';
import { agentExit, requestAction, sayAction, smsAction, walk, type MenuWalk } from './step';

const WALLET = 'W100000001';
const L1: CallFacts = { identityLevel: 1, walletId: WALLET };
const start = (facts?: CallFacts) => walk(transactionMenu, facts);
function chose(key: string, facts: CallFacts = L1): MenuWalk {
  const menu = start(facts);
  menu.press(key);
  return menu;
}
function loaded(key: string, effect: EffectName, outcome: 'found' | 'none', extra = {}): () => MenuWalk {
  return () => {
    const menu = chose(key);
    menu.answer(effect, outcome, extra);
    return menu;
  };
}

const recentVars = { count: 3, items: 'three lines' };
const failedVars = { time: '20:31', counterparty: '*** 1234', amount: '¥50.00', reason: 'insufficient balance', advice: 'top up' };
const caseVars = { caseId: 'C20261125001', caseDigits: 'C 2 0 2 6' };

describe('transactions menu machine (menu 2)', () => {
  it('starts in its menu with nothing requested', () => {
    const menu = start();
    expect(menu.actions).toEqual([]);
    expect(menu.meta).toEqual({ prompt: 'transaction.menu', gather: 'menu', intent: 'transaction', options: ['1', '2', '3'] });
  });

  itBehavesLikeAMenuState({
    reach: () => start(),
    prompt: 'transaction.menu',
    options: ['1', '2', '3'],
    back: { exit: { kind: 'back' } },
    agent: { tier: 'tier1', intent: 'transaction', priority: 'normal' },
  });

  it.each([
    ['1', 'transaction.recent', 'recentTransactions'],
    ['2', 'transaction.failed', 'failedTransaction'],
    ['3', 'transaction.deduction', 'disputes'],
  ])('%s needs L1: an unverified caller is identified first (caller ID, PIN), then %s is loaded', (key, intent, effect) => {
    const menu = chose(key, { identityLevel: 0 });
    expect(menu.actions).toEqual([requestAction('lookupCaller')]);
    expect(menu.context.facts.intent).toBe(intent);
    menu.answer('lookupCaller', 'found');
    expect(menu.prompt).toBe('identity.pin');
    expect(menu.press('123456')).toEqual([requestAction('verifyPin', { pin: '123456' })]);
    expect(menu.answer('verifyPin', 'verified', { facts: L1 })).toEqual([requestAction(effect)]);
    expect(menu.persisted).not.toContain('123456');
  });

  it.each([
    ['1', 'recentTransactions'],
    ['2', 'failedTransaction'],
    ['3', 'disputes'],
  ])('%s at L1 loads at once (%s), no PIN asked again', (key, effect) => {
    const menu = chose(key);
    expect(menu.actions).toEqual([requestAction(effect)]);
    expect(menu.awaits).toBe(effect);
  });

  describe('1, recent transactions', () => {
    it('found → the read-out with the values the effect gave', () => {
      const menu = loaded('1', 'recentTransactions', 'found', { vars: recentVars })();
      expect(menu.meta).toEqual({ prompt: 'transaction.recent', gather: 'menu', intent: 'transaction.recent', options: [] });
      expect(menu.context.vars).toMatchObject(recentVars);
    });

    it('none → its own prompt', () => {
      expect(loaded('1', 'recentTransactions', 'none')().prompt).toBe('transaction.recentNone');
    });

    it.each(['unavailable', 'somethingUnexpected'])('%s → the apology state', (outcome) => {
      const menu = chose('1');
      menu.answer('recentTransactions', outcome);
      expect(menu.prompt).toBe('identity.unavailable');
    });

    itBehavesLikeAMenuState({
      reach: loaded('1', 'recentTransactions', 'found', { vars: recentVars }),
      prompt: 'transaction.recent',
      options: [],
      back: { prompt: 'transaction.menu' },
      agent: { tier: 'tier1', intent: 'transaction.recent', priority: 'normal' },
    });
  });

  describe('2, failed transaction', () => {
    it('found → the newest failure, its reason and advice; the transaction becomes the subject', () => {
      const menu = loaded('2', 'failedTransaction', 'found', { vars: failedVars, facts: { subject: { kind: 'transaction', id: 'T1' } } })();
      expect(menu.prompt).toBe('transaction.failed');
      expect(menu.context.vars).toMatchObject(failedVars);
      expect(menu.context.facts).toMatchObject({ identityLevel: 1, intent: 'transaction.failed', subject: { kind: 'transaction', id: 'T1' } });
      // 0 takes that context to the agent.
      menu.press('0');
      expect(menu.exit).toEqual(agentExit({ tier: 'tier1', intent: 'transaction.failed', priority: 'normal', reason: 'asked' }));
      expect(menu.context.facts.subject).toEqual({ kind: 'transaction', id: 'T1' });
    });

    it('none → its own prompt', () => {
      expect(loaded('2', 'failedTransaction', 'none')().prompt).toBe('transaction.failedNone');
    });

    itBehavesLikeAMenuState({
      reach: loaded('2', 'failedTransaction', 'found', { vars: failedVars }),
      prompt: 'transaction.failed',
      options: [],
      back: { prompt: 'transaction.menu' },
      agent: { tier: 'tier1', intent: 'transaction.failed', priority: 'normal' },
    });

    itBehavesLikeAMenuState({
      reach: loaded('2', 'failedTransaction', 'none'),
      prompt: 'transaction.failedNone',
      options: [],
      back: { prompt: 'transaction.menu' },
      agent: { tier: 'tier1', intent: 'transaction.failed', priority: 'normal' },
    });
  });

  describe('3, unexpected deduction or refund', () => {
    it.each([
      ['found', 'transaction.disputes'],
      ['none', 'transaction.disputesNone'],
    ] as const)('%s → %s, with 1 to open a case', (outcome, promptKey) => {
      const menu = loaded('3', 'disputes', outcome, { vars: { items: 'a refund' } })();
      expect(menu.meta).toEqual({ prompt: promptKey, gather: 'menu', intent: 'transaction.deduction', options: ['1'] });
      expect(menu.press('1')).toEqual([requestAction('openCase')]);
      expect(menu.awaits).toBe('openCase');
    });

    it('opened → the case number read back, sent by SMS, then tier1 with the case as subject', () => {
      const menu = loaded('3', 'disputes', 'none')();
      menu.press('1');
      const actions = menu.answer('openCase', 'opened', { vars: caseVars, facts: { subject: { kind: 'case', id: caseVars.caseId } } });
      expect(actions).toEqual([sayAction('transaction.caseOpened', caseVars), smsAction('sms.transaction.case', caseVars)]);
      expect(menu.exit).toEqual(agentExit({ tier: 'tier1', intent: 'transaction.deduction', priority: 'normal', reason: 'flow' }));
      expect(menu.context.facts).toMatchObject({ intent: 'transaction.deduction', subject: { kind: 'case', id: caseVars.caseId } });
    });

    it.each(['unavailable', 'somethingUnexpected'])('a case that could not be opened (%s) → the apology state, no SMS', (outcome) => {
      const menu = loaded('3', 'disputes', 'found', { vars: { items: 'x' } })();
      menu.press('1');
      expect(menu.answer('openCase', outcome)).toEqual([]);
      expect(menu.prompt).toBe('identity.unavailable');
      expect(menu.history.filter((action) => action.type === 'sendSms')).toEqual([]);
    });

    itBehavesLikeAMenuState({
      reach: loaded('3', 'disputes', 'found', { vars: { items: 'a refund' } }),
      prompt: 'transaction.disputes',
      options: ['1'],
      back: { prompt: 'transaction.menu' },
      agent: { tier: 'tier1', intent: 'transaction.deduction', priority: 'normal' },
    });

    itBehavesLikeAMenuState({
      reach: loaded('3', 'disputes', 'none'),
      prompt: 'transaction.disputesNone',
      options: ['1'],
      back: { prompt: 'transaction.menu' },
      agent: { tier: 'tier1', intent: 'transaction.deduction', priority: 'normal' },
    });
  });
});

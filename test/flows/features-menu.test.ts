import { featuresMenu } from '../../flows/features-menu';
import type { CallFacts } from '../../flows/menu-contract';
import { itBehavesLikeAMenuState } from './menu-basics';
import { requestAction, smsAction, walk } from './step';

const start = (facts?: CallFacts) => walk(featuresMenu, facts);
const L1: CallFacts = { identityLevel: 1, walletId: 'W100000001' };

describe('features and services menu machine (menu 4)', () => {
  it('starts in its menu with nothing requested', () => {
    const menu = start();
    expect(menu.actions).toEqual([]);
    expect(menu.prompt).toBe('features.menu');
  });

  it.each([
    ['1', 'payments'],
    ['3', 'records'],
    ['4', 'whatsNew'],
  ])('%s reads %s, for anyone, without an effect', (key, topic) => {
    const menu = start();
    expect(menu.press(key)).toEqual([]);
    expect(menu.meta).toEqual({ prompt: `features.${topic}`, gather: 'menu', intent: `features.${topic}`, options: ['1'] });
  });

  describe('2, points and promotions', () => {
    it('an unverified caller hears the general text and is never asked for a PIN', () => {
      const menu = start();
      expect(menu.press('2')).toEqual([]);
      expect(menu.prompt).toBe('features.points');
      expect(menu.history.filter((action) => action.type === 'request')).toEqual([]);
    });

    it('a caller verified earlier in the call also hears the balance', () => {
      const menu = start(L1);
      expect(menu.press('2')).toEqual([requestAction('pointsBalance')]);
      expect(menu.awaits).toBe('pointsBalance');
      expect(menu.answer('pointsBalance', 'found', { vars: { points: 1280 } })).toEqual([]);
      expect(menu.meta).toEqual({ prompt: 'features.pointsWithBalance', gather: 'menu', intent: 'features.points', options: ['1'] });
      expect(menu.context.vars).toMatchObject({ points: 1280 });
      expect(menu.press('1')).toEqual([smsAction('sms.features.points')]);
    });

    it.each(['unavailable', 'none', 'somethingUnexpected'])('a balance look-up answering %s falls back to the general text', (outcome) => {
      const menu = start(L1);
      menu.press('2');
      expect(menu.answer('pointsBalance', outcome)).toEqual([]);
      expect(menu.prompt).toBe('features.points');
    });
  });

  itBehavesLikeAMenuState({
    reach: () => start(),
    prompt: 'features.menu',
    options: ['1', '2', '3', '4'],
    back: { exit: { kind: 'back' } },
    agent: { tier: 'tier1', intent: 'features', priority: 'normal' },
  });

  describe.each([
    ['1', 'payments', 'features.payments', undefined],
    ['2', 'points', 'features.points', undefined],
    ['2', 'points', 'features.pointsWithBalance', L1],
    ['3', 'records', 'features.records', undefined],
    ['4', 'whatsNew', 'features.whatsNew', undefined],
  ] as const)('key %s, topic %s (%s)', (key, topic, promptKey, facts) => {
    const reach = () => {
      const menu = start(facts);
      menu.press(key);
      if (menu.awaits) menu.answer('pointsBalance', 'found', { vars: { points: 1280 } });
      return menu;
    };

    it('1 sends the details by SMS and stays', () => {
      const menu = reach();
      expect(menu.press('1')).toEqual([smsAction(`sms.features.${topic}`)]);
      expect(menu.done).toBe(false);
      expect(menu.prompt).toBe(promptKey);
    });

    itBehavesLikeAMenuState({
      reach,
      prompt: promptKey,
      options: ['1'],
      back: { prompt: 'features.menu' },
      agent: { tier: 'tier1', intent: `features.${topic}`, priority: 'normal' },
    });
  });
});

import { mainMenu } from '../../flows/main-menu';
import { itBehavesLikeAMenuState } from './menu-basics';
import { walk } from './step';

const start = () => walk(mainMenu);

describe('main menu machine', () => {
  it('starts in the main menu with nothing to do yet (the engine speaks the welcome)', () => {
    const menu = start();
    expect(menu.actions).toEqual([]);
    expect(menu.meta).toEqual({ prompt: 'main.menu', gather: 'menu', intent: 'main', options: ['1', '2', '3', '4', '5', '9'] });
  });

  it.each([
    ['1', 'account'],
    ['2', 'transaction'],
    ['3', 'techSupport'],
    ['4', 'features'],
    ['5', 'fraud'],
  ])('%s opens the %s menu', (key, menuId) => {
    const menu = start();
    expect(menu.press(key)).toEqual([]);
    expect(menu.exit).toEqual({ kind: 'menu', menu: menuId });
  });

  it('9 switches the language and replays the menu (no exit, no hint)', () => {
    const menu = start();
    expect(menu.press('9')).toEqual([{ type: 'toggleLanguage' }]);
    expect(menu.done).toBe(false);
    expect(menu.prompt).toBe('main.menu');
    expect(menu.press('9')).toEqual([{ type: 'toggleLanguage' }]);
    expect(menu.prompt).toBe('main.menu');
  });

  it('the facts it was started with are kept, and no menu choice changes them', () => {
    const menu = walk(mainMenu, { identityLevel: 1, walletId: 'W1' });
    menu.press('9');
    menu.press('3');
    expect(menu.context.facts).toEqual({ identityLevel: 1, walletId: 'W1' });
  });

  itBehavesLikeAMenuState({
    reach: start,
    prompt: 'main.menu',
    options: ['1', '2', '3', '4', '5', '9'],
    // Nothing above the main menu: # replays it.
    back: { prompt: 'main.menu' },
    agent: { tier: 'tier1', intent: 'main', priority: 'normal' },
  });
});

import { defineMenu, menuState } from './menu-kit';
import { leave } from './menu-options';

/** The main menu; the welcome is spoken by the engine when the call starts. */
export const mainMenu = defineMenu({
  id: 'main',
  initial: 'menu',
  states: {
    menu: menuState({
      prompt: 'main.menu',
      intent: 'main',
      options: {
        '1': leave({ kind: 'menu', menu: 'account' }),
        '2': leave({ kind: 'menu', menu: 'transaction' }),
        '3': leave({ kind: 'menu', menu: 'techSupport' }),
        '4': leave({ kind: 'menu', menu: 'features' }),
        '5': leave({ kind: 'menu', menu: 'fraud' }),
        '9': { actions: ['toggleLanguage'] },
      },
      // There is nothing above the main menu: `#` replays it.
      back: {},
    }),
  },
});

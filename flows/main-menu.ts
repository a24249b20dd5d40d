import { exitState, initialContext, leave, menuOutput, menuSetup, menuState } from './menu-kit';

/** The main menu; the welcome is spoken by the engine when the call starts. */
export const mainMenu = menuSetup.createMachine({
  id: 'main',
  context: ({ input }) => initialContext(input),
  output: menuOutput,
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
    ...exitState,
  },
});

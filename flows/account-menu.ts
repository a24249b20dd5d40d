import { exitState, initialContext, leave, menuOutput, menuSetup, menuState, toAgent } from './menu-kit';

/** Menu 1. Its identity-gated self-service arrives with the identity issue; until then each topic hands off. */
export const accountMenu = menuSetup.createMachine({
  id: 'account',
  context: ({ input }) => initialContext(input),
  output: menuOutput,
  initial: 'menu',
  states: {
    menu: menuState({
      prompt: 'account.menu',
      intent: 'account',
      options: {
        '1': toAgent({ tier: 'tier1', intent: 'account.resetPassword', priority: 'normal' }, 'flow'),
        '2': toAgent({ tier: 'tier1', intent: 'account.locked', priority: 'normal' }, 'flow'),
        '3': toAgent({ tier: 'tier1', intent: 'account.changeDetails', priority: 'normal' }, 'flow'),
      },
      back: leave({ kind: 'back' }),
    }),
    ...exitState,
  },
});

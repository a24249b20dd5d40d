import { exitState, initialContext, leave, menuOutput, menuSetup, menuState, toAgent } from './menu-kit';

/** Menu 2. Its identity-gated self-service arrives with the identity issue; until then each topic hands off. */
export const transactionMenu = menuSetup.createMachine({
  id: 'transaction',
  context: ({ input }) => initialContext(input),
  output: menuOutput,
  initial: 'menu',
  states: {
    menu: menuState({
      prompt: 'transaction.menu',
      intent: 'transaction',
      options: {
        '1': toAgent({ tier: 'tier1', intent: 'transaction.recent', priority: 'normal' }, 'flow'),
        '2': toAgent({ tier: 'tier1', intent: 'transaction.failed', priority: 'normal' }, 'flow'),
        '3': toAgent({ tier: 'tier1', intent: 'transaction.deduction', priority: 'normal' }, 'flow'),
      },
      back: leave({ kind: 'back' }),
    }),
    ...exitState,
  },
});

import { exitState, initialContext, leave, menuOutput, menuSetup, menuState, toAgent } from './menu-kit';

/** Menu 5. Freezing after identity arrives with the identity issue; until then it hands off at top priority. */
export const fraudMenu = menuSetup.createMachine({
  id: 'fraud',
  context: ({ input }) => initialContext(input),
  output: menuOutput,
  initial: 'menu',
  states: {
    menu: menuState({
      prompt: 'fraud.menu',
      intent: 'fraud',
      tier: 'tier2',
      priority: 'urgent',
      options: { '1': toAgent({ tier: 'tier2', intent: 'fraud.freeze', priority: 'urgent' }, 'flow') },
      back: leave({ kind: 'back' }),
    }),
    ...exitState,
  },
});

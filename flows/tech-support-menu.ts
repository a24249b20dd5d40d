import { exitState, initialContext, leave, menuOutput, menuSetup, menuState, toAgent } from './menu-kit';

/** Menu 3: troubleshooting steps read aloud, sent by SMS on request, agent if still not solved. */
function stepsState(topic: 'appCrash' | 'noCodes' | 'paymentFails') {
  const intent = `techSupport.${topic}`;
  return menuState({
    prompt: `techSupport.${topic}`,
    intent,
    options: {
      '1': { actions: [{ type: 'sendSms', params: { template: `sms.techSupport.${topic}` } }] },
      '2': toAgent({ tier: 'tier1', intent, priority: 'normal' }),
    },
    back: { target: 'menu' },
  });
}

export const techSupportMenu = menuSetup.createMachine({
  id: 'techSupport',
  context: ({ input }) => initialContext(input),
  output: menuOutput,
  initial: 'menu',
  states: {
    menu: menuState({
      prompt: 'techSupport.menu',
      intent: 'techSupport',
      options: {
        '1': { target: 'appCrash' },
        '2': { target: 'noCodes' },
        '3': { target: 'paymentFails' },
      },
      back: leave({ kind: 'back' }),
    }),
    appCrash: stepsState('appCrash'),
    noCodes: stepsState('noCodes'),
    paymentFails: stepsState('paymentFails'),
    ...exitState,
  },
});

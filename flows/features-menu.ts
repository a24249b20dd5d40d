import { exitState, initialContext, leave, menuOutput, menuSetup, menuState } from './menu-kit';

type Topic = 'payments' | 'points' | 'records' | 'whatsNew';

/** Menu 4: information that needs no identity; each topic can be sent by SMS. */
function topicState(topic: Topic) {
  return menuState({
    prompt: `features.${topic}`,
    intent: `features.${topic}`,
    options: { '1': { actions: [{ type: 'sendSms', params: { template: `sms.features.${topic}` } }] } },
    back: { target: 'menu' },
  });
}

export const featuresMenu = menuSetup.createMachine({
  id: 'features',
  context: ({ input }) => initialContext(input),
  output: menuOutput,
  initial: 'menu',
  states: {
    menu: menuState({
      prompt: 'features.menu',
      intent: 'features',
      options: {
        '1': { target: 'payments' },
        '2': { target: 'points' },
        '3': { target: 'records' },
        '4': { target: 'whatsNew' },
      },
      back: leave({ kind: 'back' }),
    }),
    payments: topicState('payments'),
    points: topicState('points'),
    records: topicState('records'),
    whatsNew: topicState('whatsNew'),
    ...exitState,
  },
});

import { awaitState, Effect, outcome } from './identity-kit';
import { exitState, initialContext, leave, menuOutput, menuSetup, menuState, stateConfig } from './menu-kit';

type Topic = 'payments' | 'points' | 'records' | 'whatsNew';

/** Menu 4: information that needs no identity; each topic can be sent by SMS. */
function topicState(topic: Topic, prompt = `features.${topic}`) {
  return menuState({
    prompt,
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
        '2': { target: 'pointsRoute' },
        '3': { target: 'records' },
        '4': { target: 'whatsNew' },
      },
      back: leave({ kind: 'back' }),
    }),
    payments: topicState('payments'),
    points: topicState('points'),
    // SPEC §2 4-2: a caller verified earlier in the call also hears the balance; nobody is asked for a PIN here.
    pointsRoute: stateConfig({
      always: [{ guard: { type: 'verified', params: { level: 1 } }, target: 'pointsLoading' }, { target: 'points' }],
    }),
    pointsLoading: awaitState(
      Effect.pointsBalance,
      [{ guard: outcome('found'), target: 'pointsWithBalance', actions: ['learn'] }],
      { target: 'points' },
    ),
    pointsWithBalance: topicState('points', 'features.pointsWithBalance'),
    records: topicState('records'),
    whatsNew: topicState('whatsNew'),
    ...exitState,
  },
});

import { awaitState, defineMenu, menuState, stateConfig } from './menu-kit';
import { backOut, backToMenu, outcomeOf, sendSms } from './menu-options';

type Topic = 'payments' | 'points' | 'records' | 'whatsNew';

/** Menu 4: information that needs no identity; each topic can be sent by SMS. */
function topicState(topic: Topic, prompt = `features.${topic}`) {
  return menuState({
    prompt,
    intent: `features.${topic}`,
    options: { '1': { actions: [sendSms(`sms.features.${topic}`)] } },
    back: backToMenu,
  });
}

export const featuresMenu = defineMenu({
  id: 'features',
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
      back: backOut,
    }),
    payments: topicState('payments'),
    points: topicState('points'),
    // SPEC §2 4-2: a caller verified earlier in the call also hears the balance; nobody is asked for a PIN here.
    pointsRoute: stateConfig({
      always: [{ guard: { type: 'verified', params: { level: 1 } }, target: 'pointsLoading' }, { target: 'points' }],
    }),
    pointsLoading: awaitState(
      'pointsBalance',
      [{ guard: outcomeOf('pointsBalance')('found'), target: 'pointsWithBalance', actions: ['learn'] }],
      { target: 'points' },
    ),
    pointsWithBalance: topicState('points', 'features.pointsWithBalance'),
    records: topicState('records'),
    whatsNew: topicState('whatsNew'),
  },
});

import { defineMenu, menuState } from './menu-kit';
import { backOut, backToMenu, sendSms, toAgent } from './menu-options';

/** Menu 3: troubleshooting steps read aloud, sent by SMS on request, agent if still not solved. */
function stepsState(topic: 'appCrash' | 'noCodes' | 'paymentFails') {
  const intent = `techSupport.${topic}`;
  return menuState({
    prompt: `techSupport.${topic}`,
    intent,
    options: {
      '1': { actions: [sendSms(`sms.techSupport.${topic}`)] },
      '2': toAgent({ tier: 'tier1', intent, priority: 'normal' }),
    },
    back: backToMenu,
  });
}

export const techSupportMenu = defineMenu({
  id: 'techSupport',
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
      back: backOut,
    }),
    appCrash: stepsState('appCrash'),
    noCodes: stepsState('noCodes'),
    paymentFails: stepsState('paymentFails'),
  },
});

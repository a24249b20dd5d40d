import type { MenuContext } from './menu-contract';
import { awaitState, defineMenu, menuState } from './menu-kit';
import { backOut, leave, outcomeOf, say, type Action } from './menu-options';

/**
 * The hours are configuration, known only at run time: the SMS takes them from the context that
 * the `handoff.businessHours` effect filled (xstate resolves params given as a function).
 */
const sendHoursSms: Action = {
  type: 'sendSms',
  params: ({ context }: { context: MenuContext }) => ({ template: 'sms.businessHours', vars: { hours: String(context.vars.hours) } }),
};

/**
 * Where the agent desk sends a caller outside business hours (SPEC §4): they hear the hours and
 * may leave a callback request (1) or get the hours by SMS (2); `#` returns to the main menu.
 */
export const afterHoursMenu = defineMenu({
  id: 'afterHours',
  initial: 'hours',
  states: {
    hours: awaitState(
      'handoff.businessHours',
      [{ guard: outcomeOf('handoff.businessHours')('ok'), target: 'menu', actions: ['learn'] }],
      leave({ kind: 'back' }, [say('agent.unavailable')]),
    ),
    menu: menuState({
      prompt: 'afterHours.menu',
      intent: 'afterHours',
      options: {
        '1': { target: 'callback' },
        '2': { actions: [sendHoursSms] },
        // This menu is already the desk's answer to 0: asking again would only bring the caller here.
        '0': {},
      },
      back: backOut,
    }),
    callback: awaitState(
      'handoff.requestCallback',
      [
        { guard: outcomeOf('handoff.requestCallback')('ok'), ...leave({ kind: 'back' }, [say('afterHours.callbackRecorded')]) },
        { guard: outcomeOf('handoff.requestCallback')('notDialable'), ...leave({ kind: 'back' }, [say('afterHours.callbackNoNumber')]) },
      ],
      leave({ kind: 'back' }, [say('afterHours.callbackFailed')]),
    ),
  },
});

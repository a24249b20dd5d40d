import type { MenuContext } from './menu-contract';
import { exitState, initialContext, leave, menuOutput, menuSetup, menuState, stateConfig, type Action } from './menu-kit';

const say = (key: string): Action => ({ type: 'say', params: { key } });

/**
 * The hours are configuration, known only at run time: the SMS takes them from the context that
 * the `handoff.businessHours` effect filled (xstate resolves params given as a function).
 */
const sendHoursSms = {
  type: 'sendSms',
  params: ({ context }: { context: MenuContext }) => ({ template: 'sms.businessHours', vars: { hours: String(context.vars.hours) } }),
} as unknown as Action;

/**
 * Where the agent desk sends a caller outside business hours (SPEC §4): they hear the hours and
 * may leave a callback request (1) or get the hours by SMS (2); `#` returns to the main menu.
 */
export const afterHoursMenu = menuSetup.createMachine({
  id: 'afterHours',
  context: ({ input }) => initialContext(input),
  output: menuOutput,
  initial: 'hours',
  states: {
    hours: stateConfig({
      meta: { awaits: 'handoff.businessHours' },
      entry: [{ type: 'request', params: { effect: 'handoff.businessHours' } }],
      on: {
        RESULT: [
          { guard: { type: 'outcome', params: { is: 'ok' } }, target: 'menu', actions: ['learn'] },
          leave({ kind: 'back' }, [say('agent.unavailable')]),
        ],
      },
    }),
    menu: menuState({
      prompt: 'afterHours.menu',
      intent: 'afterHours',
      options: {
        '1': { target: 'callback' },
        '2': { actions: [sendHoursSms] },
        // This menu is already the desk's answer to 0: asking again would only bring the caller here.
        '0': {},
      },
      back: leave({ kind: 'back' }),
    }),
    callback: stateConfig({
      meta: { awaits: 'handoff.requestCallback' },
      entry: [{ type: 'request', params: { effect: 'handoff.requestCallback' } }],
      on: {
        RESULT: [
          { guard: { type: 'outcome', params: { is: 'ok' } }, ...leave({ kind: 'back' }, [say('afterHours.callbackRecorded')]) },
          leave({ kind: 'back' }, [say('afterHours.callbackFailed')]),
        ],
      },
    }),
    ...exitState,
  },
});

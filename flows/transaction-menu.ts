import type { EffectName } from './effect-contract';
import { identityGate } from './identity-kit';
import { awaitState, defineMenu, menuState } from './menu-kit';
import { backOut, backToMenu, outcomeOf, sayResult, toAgent, type Choice } from './menu-options';

const back = backToMenu;

const recent = identityGate({ name: 'recent', level: 1, intent: 'transaction.recent', done: { target: 'recentLoading' }, back });
const failed = identityGate({ name: 'failed', level: 1, intent: 'transaction.failed', done: { target: 'failedLoading' }, back });
const deduction = identityGate({ name: 'deduction', level: 1, intent: 'transaction.deduction', done: { target: 'disputesLoading' }, back });

/** A read-out the caller can replay (`*`), leave (`#`) or take to an agent (`0`); `1` when given. */
const readout = (prompt: string, intent: string, options: Record<string, Choice> = {}) => menuState({ prompt, intent, options, back });

/** Loads a read-out: `found` teaches the prompt's vars (and the subject), `none` has its own prompt. */
const load = (effect: Extract<EffectName, 'recentTransactions' | 'failedTransaction' | 'disputes'>, found: string, none: string, unavailable: Choice) =>
  awaitState(
    effect,
    [
      { guard: outcomeOf(effect)('found'), target: found, actions: ['learn'] },
      { guard: outcomeOf(effect)('none'), target: none },
    ],
    unavailable,
  );

const openCase: Choice = { target: 'openingCase' };

/**
 * Menu 2 (SPEC §2), all behind L1: the last 3 transactions, the newest failed one with advice,
 * refund status of disputed items or a new case (read back, sent by SMS, then an agent).
 */
export const transactionMenu = defineMenu({
  id: 'transaction',
  initial: 'menu',
  states: {
    menu: menuState({
      prompt: 'transaction.menu',
      intent: 'transaction',
      options: { '1': recent.enter, '2': failed.enter, '3': deduction.enter },
      back: backOut,
    }),
    ...recent.states,
    ...failed.states,
    ...deduction.states,

    recentLoading: load('recentTransactions', 'recentList', 'recentNone', recent.unavailable),
    recentList: readout('transaction.recent', 'transaction.recent'),
    recentNone: readout('transaction.recentNone', 'transaction.recent'),

    failedLoading: load('failedTransaction', 'failedInfo', 'failedNone', failed.unavailable),
    failedInfo: readout('transaction.failed', 'transaction.failed'),
    failedNone: readout('transaction.failedNone', 'transaction.failed'),

    disputesLoading: load('disputes', 'disputeList', 'disputesNone', deduction.unavailable),
    disputeList: readout('transaction.disputes', 'transaction.deduction', { '1': openCase }),
    disputesNone: readout('transaction.disputesNone', 'transaction.deduction', { '1': openCase }),
    openingCase: awaitState(
      'openCase',
      [
        {
          guard: outcomeOf('openCase')('opened'),
          ...toAgent({ tier: 'tier1', intent: 'transaction.deduction', priority: 'normal' }, 'flow', [
            'learn',
            sayResult('transaction.caseOpened'),
            {
              type: 'sendSms',
              params: ({ event }) => ({ template: 'sms.transaction.case', vars: event.type === 'RESULT' ? event.vars : {} }),
            },
          ]),
        },
      ],
      deduction.unavailable,
    ),
  },
});

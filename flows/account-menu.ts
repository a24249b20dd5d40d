import { identityGate } from './identity-kit';
import type { Handoff } from './menu-contract';
import { awaitState, defineMenu, menuState } from './menu-kit';
import { backOut, backToMenu, outcomeOf, say, toAgent, type Choice } from './menu-options';

const back = backToMenu;

/** A hand-off the flow decides (not the caller's 0), after telling the caller why. */
const handOff = (handoff: Omit<Handoff, 'reason'>, notice: string): Choice => toAgent(handoff, 'flow', [say(notice)]);
const securityDesk = (notice: string) => handOff({ tier: 'tier2', intent: 'account.locked', priority: 'urgent' }, notice);

const reset = identityGate({ name: 'reset', level: 1, intent: 'account.resetPassword', done: { target: 'resetLink' }, back });
const locked = identityGate({ name: 'locked', level: 2, intent: 'account.locked', done: { target: 'lockReason' }, back });
const details = identityGate({
  name: 'details',
  level: 2,
  intent: 'account.changeDetails',
  done: handOff({ tier: 'tier1', intent: 'account.changeDetails', priority: 'normal' }, 'account.changeDetails'),
  back,
});

/** A menu state of this menu: `#` returns to the account menu. */
const offer = (prompt: string, intent: string, options: Record<string, Choice> = {}) => menuState({ prompt, intent, options, back });

/** The reset-link SMS goes to the registered number; `sent` is where the caller hears it went. */
const sendLink = (sent: string) =>
  awaitState(
    'sendResetLink',
    [
      { guard: outcomeOf('sendResetLink')('sent'), target: sent },
      { guard: outcomeOf('sendResetLink')('refused'), target: 'resetLinkRefused' },
    ],
    reset.unavailable,
  );

const lock = outcomeOf('lockStatus');
const unlock = outcomeOf('unlock');

/**
 * Menu 1 (SPEC §2): password reset link (L1), locked account (L2: self-service unlock for a
 * password lock, security desk otherwise), personal details (L2, then an agent).
 */
export const accountMenu = defineMenu({
  id: 'account',
  initial: 'menu',
  states: {
    menu: menuState({
      prompt: 'account.menu',
      intent: 'account',
      options: { '1': reset.enter, '2': locked.enter, '3': details.enter },
      back: backOut,
    }),
    ...reset.states,
    ...locked.states,
    ...details.states,

    resetLink: sendLink('resetSent'),
    resetSent: offer('account.resetSent', 'account.resetPassword', { '1': { target: 'resetAgain' } }),
    resetAgain: sendLink('resetResent'),
    // The one resend is used: no further option 1.
    resetResent: offer('account.resetResent', 'account.resetPassword'),
    resetLinkRefused: offer('account.resetRefused', 'account.resetPassword'),

    lockReason: awaitState(
      'lockStatus',
      [
        { guard: lock('wrongPassword'), target: 'unlockOffer' },
        { guard: lock('suspicious'), ...securityDesk('account.securityLock') },
        { guard: lock('frozen'), ...securityDesk('account.frozen') },
        { guard: lock('active'), target: 'notLocked' },
      ],
      locked.unavailable,
    ),
    unlockOffer: offer('account.unlockOffer', 'account.locked', { '1': { target: 'unlocking' } }),
    unlocking: awaitState(
      'unlock',
      [
        { guard: unlock('unlocked'), target: 'unlocked' },
        { guard: unlock('refused'), ...securityDesk('account.unlockRefused') },
      ],
      locked.unavailable,
    ),
    unlocked: offer('account.unlocked', 'account.locked', { '1': reset.enter }),
    notLocked: offer('account.notLocked', 'account.locked', { '1': reset.enter }),
  },
});

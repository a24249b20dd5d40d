import { awaitState, Effect, identityGate, outcome, say } from './identity-kit';
import type { Handoff } from './menu-contract';
import { exitState, initialContext, leave, menuOutput, menuSetup, menuState, type Action, type Choice } from './menu-kit';

const back: Choice = { target: 'menu' };

/** A hand-off the flow decides (not the caller's 0), after telling the caller why. */
const handOff = (handoff: Omit<Handoff, 'reason'>, notice: string): Choice =>
  leave({ kind: 'agent', handoff: { ...handoff, reason: 'flow' } }, [say(notice)] as Action[]);
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

/** The reset-link SMS goes to the registered number; `resend` is where a second press leads. */
const sendLink = (sent: string) => awaitState(Effect.sendResetLink, [{ guard: outcome('sent'), target: sent }], { target: reset.unavailable });

/**
 * Menu 1 (SPEC §2): password reset link (L1), locked account (L2: self-service unlock for a
 * password lock, security desk otherwise), personal details (L2, then an agent).
 */
export const accountMenu = menuSetup.createMachine({
  id: 'account',
  context: ({ input }) => initialContext(input),
  output: menuOutput,
  initial: 'menu',
  states: {
    menu: menuState({
      prompt: 'account.menu',
      intent: 'account',
      options: { '1': reset.enter, '2': locked.enter, '3': details.enter },
      back: leave({ kind: 'back' }),
    }),
    ...reset.states,
    ...locked.states,
    ...details.states,

    resetLink: sendLink('resetSent'),
    resetSent: menuState({
      prompt: 'account.resetSent',
      intent: 'account.resetPassword',
      options: { '1': { target: 'resetAgain' } },
      back,
    }),
    resetAgain: sendLink('resetResent'),
    // The one resend is used: no further option 1.
    resetResent: menuState({ prompt: 'account.resetResent', intent: 'account.resetPassword', options: {}, back }),

    lockReason: awaitState(
      Effect.lockStatus,
      [
        { guard: outcome('wrongPassword'), target: 'unlockOffer' },
        { guard: outcome('suspicious'), ...securityDesk('account.securityLock') },
        { guard: outcome('frozen'), ...securityDesk('account.frozen') },
        { guard: outcome('active'), target: 'notLocked' },
      ],
      { target: locked.unavailable },
    ),
    unlockOffer: menuState({ prompt: 'account.unlockOffer', intent: 'account.locked', options: { '1': { target: 'unlocking' } }, back }),
    unlocking: awaitState(
      Effect.unlock,
      [
        { guard: outcome('unlocked'), target: 'unlocked' },
        { guard: outcome('refused'), ...securityDesk('account.unlockRefused') },
      ],
      { target: locked.unavailable },
    ),
    unlocked: menuState({ prompt: 'account.unlocked', intent: 'account.locked', options: { '1': reset.enter }, back }),
    notLocked: menuState({ prompt: 'account.notLocked', intent: 'account.locked', options: { '1': reset.enter }, back }),
    ...exitState,
  },
});

import { awaitState, Effect, identityGate, outcome, say } from './identity-kit';
import { exitState, initialContext, leave, menuOutput, menuSetup, type Action } from './menu-kit';

const desk = { tier: 'tier2', intent: 'fraud.freeze', priority: 'urgent', reason: 'flow' } as const;

/** Every way out ends at the security desk; freezing first when the caller could be verified. */
const gate = identityGate({
  name: 'verify',
  level: 1,
  intent: 'fraud.freeze',
  tier: 'tier2',
  priority: 'urgent',
  done: { target: 'freezing' },
  back: leave({ kind: 'back' }),
});

/**
 * Menu 5 (SPEC §2): a lost phone or fraud. No sub-menu: identity L1, the wallet frozen at once,
 * then the security desk (tier 2) at the highest priority.
 */
export const fraudMenu = menuSetup.createMachine({
  id: 'fraud',
  context: ({ input }) => initialContext(input),
  output: menuOutput,
  entry: [say('fraud.intro'), { type: 'setIntent', params: { intent: 'fraud.freeze' } }] as Action[],
  initial: 'verify',
  states: {
    ...gate.states,
    freezing: awaitState(
      Effect.freezeWallet,
      [{ guard: outcome('frozen'), ...leave({ kind: 'agent', handoff: desk }, [say('fraud.frozen')]) }],
      // Could not freeze: a person must do it now, not a menu.
      leave({ kind: 'agent', handoff: desk }, [say('fraud.freezeFailed')]),
    ),
    ...exitState,
  },
});

import { identityGate } from './identity-kit';
import { awaitState, defineMenu } from './menu-kit';
import { backOut, outcomeOf, say, toAgent } from './menu-options';

const desk = { tier: 'tier2', intent: 'fraud.freeze', priority: 'urgent' } as const;

/** Every way out ends at the security desk; freezing first when the caller could be verified. */
const gate = identityGate({
  name: 'verify',
  level: 1,
  intent: 'fraud.freeze',
  tier: 'tier2',
  priority: 'urgent',
  done: { target: 'freezing' },
  back: backOut,
  // A caller who cannot be verified still reports fraud: a person must act now, not a menu.
  failure: toAgent(desk, 'flow', [say('fraud.unverified')]),
});

/**
 * Menu 5 (SPEC §2): a lost phone or fraud. No sub-menu: identity L1, the wallet frozen at once,
 * then the security desk (tier 2) at the highest priority.
 */
export const fraudMenu = defineMenu({
  id: 'fraud',
  entry: [say('fraud.intro'), { type: 'setIntent', params: { intent: 'fraud.freeze' } }],
  initial: 'verify',
  states: {
    ...gate.states,
    freezing: awaitState(
      'freezeWallet',
      [{ guard: outcomeOf('freezeWallet')('frozen'), ...toAgent(desk, 'flow', [say('fraud.frozen')]) }],
      // Could not freeze: a person must do it now, not a menu.
      toAgent(desk, 'flow', [say('fraud.freezeFailed')]),
    ),
  },
});

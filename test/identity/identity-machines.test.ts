import { accountMenu } from '../../flows/account-menu';
import { featuresMenu } from '../../flows/features-menu';
import { fraudMenu } from '../../flows/fraud-menu';
import type { StateMeta } from '../../flows/menu-contract';
import { transactionMenu } from '../../flows/transaction-menu';
import { catalogue } from '../support/test-app';

/**
 * Structure every caller relies on, checked on the machines themselves: each resting state has a
 * prompt in the catalogue and answers *, # and 0; each other state can be left on some event.
 */
describe.each([
  ['account', accountMenu],
  ['transaction', transactionMenu],
  ['fraud', fraudMenu],
  ['features', featuresMenu],
] as const)('the %s machine', (_name, machine) => {
  const nodes = Object.values(machine.root.states);

  it('has no dead ends', () => {
    for (const node of nodes) {
      if (node.type === 'final') continue;
      const leaves = node.transitions.size + (node.always?.length ?? 0);
      expect([node.id, leaves > 0]).toEqual([node.id, true]);
    }
  });

  it('offers *, # and 0 in every state that waits for the caller, with a prompt in both languages', () => {
    for (const node of nodes) {
      const meta = node.meta as StateMeta | undefined;
      if (!meta || !('prompt' in meta)) continue;
      expect(catalogue.has(meta.prompt)).toBe(true);
      const guards = (node.transitions.get('DIGITS') ?? []).map((transition) => JSON.stringify(transition.guard));
      for (const key of ['*', '#', '0']) expect([node.id, guards.some((guard) => guard.includes(`"key":"${key}"`))]).toEqual([node.id, true]);
      expect(node.transitions.has('NO_INPUT')).toBe(true);
    }
  });
});

import type { EffectName } from './effect-contract';
import type { Handoff, MenuEvent, MenuId, StateMeta } from './menu-contract';
import { initialContext, menuOutput, menuSetup } from './menu-setup';
import { pressed, request, say, toAgent, type Action, type Choice } from './menu-options';

export type { Action, Choice, Guard } from './menu-options';

type MenuMachineConfig = Parameters<typeof menuSetup.createMachine>[0];
/** A state of a menu machine, as `menuSetup.createMachine` takes it. */
export type MenuStateConfig = NonNullable<MenuMachineConfig['states']>[string];

/**
 * The one place where the kit's plain, checked shapes (Choice, Action, Guard) meet xstate's
 * generic config types, which TypeScript cannot infer through helper functions.
 */
export function stateConfig(config: {
  meta?: StateMeta | { awaits: EffectName };
  entry?: Action[];
  on?: Partial<Record<MenuEvent['type'], Choice[]>>;
  /** Eventless routing (e.g. skip identity already proven); such a state never rests. */
  always?: Choice[];
}): MenuStateConfig {
  return config as MenuStateConfig;
}

export interface MenuSpec {
  id: MenuId;
  initial: string;
  /** Said or done whenever the menu is entered. */
  entry?: Action[];
  states: Record<string, MenuStateConfig>;
}

/**
 * A menu machine from its states: every menu shares the setup, the context, the output (its
 * exit) and the final state that `leave()` transitions go to.
 */
export function defineMenu(spec: MenuSpec) {
  return menuSetup.createMachine({
    id: spec.id,
    context: ({ input }) => initialContext(input),
    output: menuOutput,
    initial: spec.initial,
    ...(spec.entry ? { entry: spec.entry as MenuMachineConfig['entry'] } : {}),
    states: { ...spec.states, exit: { id: 'menu-exit', type: 'final' } },
  });
}

export interface MenuStateSpec {
  prompt: string;
  /** Menu path used as the intent when the caller asks for an agent here. */
  intent: string;
  /** Key → what it does. */
  options: Record<string, Choice>;
  /** What `#` does. */
  back: Choice;
  tier?: Handoff['tier'];
  priority?: Handoff['priority'];
}

/**
 * A one-key menu state with the behaviour every menu shares: its own options, `*` repeats,
 * `#` goes back, `0` asks for an agent, wrong keys and silence get different hints, and the
 * third failure in a row hands the caller to an agent instead of hanging up.
 */
export function menuState(spec: MenuStateSpec): MenuStateConfig {
  const handoff = { tier: spec.tier ?? 'tier1', intent: spec.intent, priority: spec.priority ?? 'normal' } as const;
  const meta: StateMeta = { prompt: spec.prompt, gather: 'menu', intent: spec.intent, options: Object.keys(spec.options) };
  const strikeOut: Choice = { guard: 'lastStrike', ...toAgent(handoff, 'strikes') };
  const digits: Choice[] = [
    ...Object.entries(spec.options).map(([key, choice]) => ({ guard: pressed(key), ...choice })),
    { guard: pressed('*') },
    { guard: pressed('#'), ...spec.back },
    { guard: pressed('0'), ...toAgent(handoff) },
    strikeOut,
    { actions: ['strike', say('hint.wrongKey')] },
  ];
  const noInput: Choice[] = [strikeOut, { actions: ['strike', say('hint.noInput')] }];
  return stateConfig({ meta, entry: ['resetStrikes'], on: { DIGITS: digits, NO_INPUT: noInput } });
}

/**
 * A state that only waits for one effect's answer, within the same webhook. `fallback` takes
 * every other outcome, so no answer can leave the call stuck here.
 */
export function awaitState(effect: EffectName, results: Choice[], fallback: Choice): MenuStateConfig {
  return stateConfig({ meta: { awaits: effect }, entry: [request(effect)], on: { RESULT: [...results, fallback] } });
}

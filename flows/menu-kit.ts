import { assign, setup } from 'xstate';
import type {
  CallFacts,
  Handoff,
  IdentityLevel,
  MenuContext,
  MenuEvent,
  MenuExit,
  MenuInput,
  PromptVars,
  StateMeta,
} from './menu-contract';

/**
 * The one `setup` every menu machine is built from. Its named actions have no implementation:
 * `transition()` hands them to the engine as data (`{ type, params }`), which performs them.
 */
export const menuSetup = setup({
  types: {
    context: {} as MenuContext,
    events: {} as MenuEvent,
    input: {} as MenuInput,
    output: {} as MenuExit | null,
  },
  actions: {
    /** Speak a notice before the state's prompt (hints, confirmations). */
    say: (_, _params: { key: string; vars?: PromptVars }) => undefined,
    /** Send an SMS from the catalogue to the caller; the engine confirms it aloud. */
    sendSms: (_, _params: { template: string; vars?: PromptVars }) => undefined,
    /** Run an effect and answer with a RESULT event in the same webhook. */
    request: (_, _params: { effect: string; args?: Record<string, string> }) => undefined,
    toggleLanguage: () => undefined,
    resetStrikes: assign({ strikes: 0 }),
    strike: assign({ strikes: ({ context }) => context.strikes + 1 }),
    setExit: assign((_, params: { exit: MenuExit }) => ({ exit: params.exit })),
    /** Keeps what a RESULT taught us: identity, read-out values. */
    learn: assign(({ context, event }) => {
      if (event.type !== 'RESULT') return {};
      return {
        facts: { ...context.facts, ...event.facts },
        vars: { ...context.vars, ...event.vars },
      };
    }),
    setIntent: assign(({ context }, params: { intent: string }) => ({
      facts: { ...context.facts, intent: params.intent },
    })),
  },
  guards: {
    pressed: ({ event }, params: { key: string }) => event.type === 'DIGITS' && event.digits === params.key,
    lastStrike: ({ context }) => context.strikes >= 2,
    outcome: ({ event }, params: { is: string }) => event.type === 'RESULT' && event.outcome === params.is,
    /** The third failure in a row when the failure is an effect's answer (a number not found, a malformed PIN). */
    lastStrikeOn: ({ context, event }, params: { is: string }) =>
      context.strikes >= 2 && event.type === 'RESULT' && event.outcome === params.is,
    verified: ({ context }, params: { level: IdentityLevel }) => context.facts.identityLevel >= params.level,
  },
});

/**
 * xstate's pure `transition()` builds a throwaway actor of the machine on every call, which
 * evaluates this without input; answering that cheaply (instead of throwing) keeps every webhook
 * from paying for an exception and its stack trace.
 */
export function initialContext(input: MenuInput | undefined): MenuContext {
  return { facts: { ...(input?.facts ?? { identityLevel: 0 }) }, strikes: 0, vars: {}, exit: null };
}

export const menuOutput = ({ context }: { context: MenuContext }): MenuExit | null => context.exit;

/** The final state every menu machine has; `leave()` transitions go there. */
export const exitState = { exit: { id: 'menu-exit', type: 'final' as const } };

/** A transition that ends this menu with `exit`. */
export function leave(exit: MenuExit, actions: Action[] = []): Choice {
  return { target: '#menu-exit', actions: [...actions, { type: 'setExit', params: { exit } }] };
}

export function toAgent(handoff: Omit<Handoff, 'reason'>, reason: Handoff['reason'] = 'asked'): Choice {
  return leave({ kind: 'agent', handoff: { ...handoff, reason } });
}

/**
 * Params fixed in the machine, or computed from the event (a PIN typed, a case number learned).
 * Computed params exist only in the action handed to the engine, never in the stored context.
 */
type Params<P> = P | ((args: { context: MenuContext; event: MenuEvent }) => P);

/** The named actions of `menuSetup`, as a transition lists them. */
export type Action =
  | 'toggleLanguage'
  | 'resetStrikes'
  | 'strike'
  | 'learn'
  | { type: 'say'; params: Params<{ key: string; vars?: PromptVars }> }
  | { type: 'sendSms'; params: Params<{ template: string; vars?: PromptVars }> }
  | { type: 'request'; params: Params<{ effect: string; args?: Record<string, string> }> }
  | { type: 'setExit'; params: { exit: MenuExit } }
  | { type: 'setIntent'; params: { intent: string } };

export type Guard =
  | 'lastStrike'
  | { type: 'pressed'; params: { key: string } }
  | { type: 'outcome'; params: { is: string } }
  | { type: 'lastStrikeOn'; params: { is: string } }
  | { type: 'verified'; params: { level: IdentityLevel } };

export interface Choice {
  target?: string;
  actions?: Action[];
  guard?: Guard;
}

type MenuMachineConfig = Parameters<typeof menuSetup.createMachine>[0];
/** A state of a menu machine, as `menuSetup.createMachine` takes it. */
export type MenuStateConfig = NonNullable<MenuMachineConfig['states']>[string];

export interface MenuStateSpec {
  prompt: string;
  /** Menu path used as the intent when the caller asks for an agent here. */
  intent: string;
  /** Key → what it does. */
  options: Record<string, Choice>;
  /** What `#` does; omitted only in the main menu (there it repeats the menu). */
  back?: Choice;
  tier?: Handoff['tier'];
  priority?: Handoff['priority'];
}

const pressed = (key: string): Guard => ({ type: 'pressed', params: { key } });
const say = (key: string): Action => ({ type: 'say', params: { key } });

/**
 * A one-key menu state with the behaviour every menu shares: its own options, `*` repeats,
 * `#` goes back, `0` asks for an agent, wrong keys and silence get different hints, and the
 * third failure in a row hands the caller to an agent instead of hanging up.
 */
export function menuState(spec: MenuStateSpec): MenuStateConfig {
  const handoff = { tier: spec.tier ?? 'tier1', intent: spec.intent, priority: spec.priority ?? 'normal' } as const;
  const meta: StateMeta = { prompt: spec.prompt, gather: 'menu', options: Object.keys(spec.options) };
  const strikeOut: Choice = { guard: 'lastStrike', ...toAgent(handoff, 'strikes') };
  const digits: Choice[] = [
    ...Object.entries(spec.options).map(([key, choice]) => ({ guard: pressed(key), ...choice })),
    { guard: pressed('*') },
    { guard: pressed('#'), ...(spec.back ?? {}) },
    { guard: pressed('0'), ...toAgent(handoff) },
    strikeOut,
    { actions: ['strike', say('hint.wrongKey')] },
  ];
  const noInput: Choice[] = [strikeOut, { actions: ['strike', say('hint.noInput')] }];
  return stateConfig({ meta, entry: ['resetStrikes'], on: { DIGITS: digits, NO_INPUT: noInput } });
}

/**
 * The one place where the kit's plain, checked shapes (Choice, Action, Guard) meet xstate's
 * generic config types, which TypeScript cannot infer through helper functions.
 */
export function stateConfig(config: {
  meta?: StateMeta | { awaits: string };
  entry?: Action[];
  on?: Partial<Record<MenuEvent['type'], Choice[]>>;
  /** Eventless routing (e.g. skip identity already proven); such a state never rests. */
  always?: Choice[];
}): MenuStateConfig {
  return config as MenuStateConfig;
}

export type { CallFacts };

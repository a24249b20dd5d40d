import { assign, setup } from 'xstate';
import type { EffectName, EffectOutcome } from './effect-contract';
import type { IdentityLevel, MenuContext, MenuEvent, MenuExit, MenuInput, PromptVars } from './menu-contract';

/** Which effect answered, and how: a RESULT guard names both, so neither can be misspelt. */
export type OutcomeParams = { [E in EffectName]: { effect: E; is: EffectOutcome<E> } }[EffectName];

const isResult = (event: MenuEvent, params: OutcomeParams) =>
  event.type === 'RESULT' && event.effect === params.effect && event.outcome === params.is;

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
    request: (_, _params: { effect: EffectName; args?: Record<string, string> }) => undefined,
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
    outcome: ({ event }, params: OutcomeParams) => isResult(event, params),
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

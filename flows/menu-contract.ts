import type { EffectName, EffectOutcome } from './effect-contract';
import type { MenuId } from './menu-ids';
import type { CallFacts, Handoff, PromptVars } from './vocabulary';

/**
 * The contract between the menu machines and the engine that runs them. Machines only decide
 * what happens next; everything they want done is an action returned as data (see menu-kit.ts).
 */
export type { MenuId } from './menu-ids';
export type { CallFacts, Handoff, IdentityLevel, PromptVars, Tier } from './vocabulary';

/** How a menu machine ends; the call flow (call-flow.ts) decides what runs next. */
export type MenuExit =
  | { kind: 'menu'; menu: MenuId }
  | { kind: 'back' }
  | { kind: 'agent'; handoff: Handoff };

/** Caller input after the engine has turned speech into the key it stands for. */
export type CallerEvent = { type: 'DIGITS'; digits: string } | { type: 'NO_INPUT' };

/** The answer to an effect the machine requested (PIN check, wallet look-up, …). */
export type ResultEvent = {
  [E in EffectName]: {
    type: 'RESULT';
    effect: E;
    outcome: EffectOutcome<E>;
    facts?: Partial<CallFacts>;
    vars?: PromptVars;
  };
}[EffectName];

export type MenuEvent = CallerEvent | ResultEvent;

export interface MenuInput {
  facts: CallFacts;
}

/**
 * What a menu machine keeps between webhooks. The call's facts are not part of it: they live
 * once, in the session, and are handed to the machine with each step (see MenuInput).
 */
export interface MenuContext {
  facts: CallFacts;
  /** Wrong keys and silences in the current menu state; the third one hands off. */
  strikes: number;
  /** Values the current prompt reads out (balances, transactions, case numbers). */
  vars: PromptVars;
  exit: MenuExit | null;
}

/**
 * How the engine asks for input in a state: a one-key menu (keys or speech), or a DTMF-only
 * entry of several digits (PIN, one-time code, phone number) that speech must never fill.
 */
export type GatherKind = 'menu' | 'pin' | 'code' | 'phone';

export interface StateMeta {
  prompt: string;
  gather: GatherKind;
  /** The menu path the caller is at: the intent of a hand-off from here, and a step of their journey. */
  intent: string;
  /** Keys that choose something in this state, for speech matching and hints. */
  options?: string[];
}

/** Marks a state that waits for the result of an effect within the same webhook. */
export interface AwaitMeta {
  awaits: EffectName;
}

/**
 * The vocabulary shared by the menu machines and the engine that runs them. Machines only decide
 * what happens next; everything they want done is an action returned as data (see menu-kit.ts).
 */
export type MenuId = 'main' | 'account' | 'transaction' | 'techSupport' | 'features' | 'fraud' | 'afterHours';
export type Tier = 'tier1' | 'tier2';
export type IdentityLevel = 0 | 1 | 2;

/** What the call has learned so far; carried from menu to menu and, later, to the agent. */
export interface CallFacts {
  identityLevel: IdentityLevel;
  walletId?: string;
  /** Menu path of the caller's problem, e.g. `transaction.failed`. */
  intent?: string;
  subject?: { kind: 'transaction' | 'case'; id: string };
}

export interface Handoff {
  tier: Tier;
  intent: string;
  /** `urgent` is fraud and security; repeat callers are ranked by the queue, not the menu. */
  priority: 'urgent' | 'normal';
  reason: 'asked' | 'strikes' | 'flow';
}

/** How a menu machine ends; the call flow (call-flow.ts) decides what runs next. */
export type MenuExit =
  | { kind: 'menu'; menu: MenuId }
  | { kind: 'back' }
  | { kind: 'agent'; handoff: Handoff };

/** Caller input after the engine has turned speech into the key it stands for. */
export type CallerEvent = { type: 'DIGITS'; digits: string } | { type: 'NO_INPUT' };

/** The answer to an effect the machine requested (PIN check, wallet look-up, …). */
export interface ResultEvent {
  type: 'RESULT';
  effect: string;
  outcome: string;
  facts?: Partial<CallFacts>;
  vars?: PromptVars;
}

export type MenuEvent = CallerEvent | ResultEvent;

export type PromptVars = Record<string, string | number>;

export interface MenuInput {
  facts: CallFacts;
}

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
  /** Keys that choose something in this state, for speech matching and hints. */
  options?: string[];
}

/** Marks a state that waits for the result of an effect within the same webhook. */
export interface AwaitMeta {
  awaits: string;
}

import type { EffectName, EffectOutcome } from './effect-contract';
import type { Handoff, MenuContext, MenuEvent, MenuExit, PromptVars } from './menu-contract';
import type { OutcomeParams } from './menu-setup';

/**
 * The plain, checked shapes a menu is written in (transitions, actions, guards), and the small
 * builders every menu shares. menu-kit.ts turns them into xstate configuration.
 */

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
  | { type: 'request'; params: Params<{ effect: EffectName; args?: Record<string, string> }> }
  | { type: 'setExit'; params: { exit: MenuExit } }
  | { type: 'setIntent'; params: { intent: string } };

export type Guard =
  | 'lastStrike'
  | { type: 'pressed'; params: { key: string } }
  | { type: 'outcome'; params: OutcomeParams }
  | { type: 'verified'; params: { level: 1 | 2 } };

export interface Choice {
  target?: string;
  actions?: Action[];
  guard?: Guard;
}

export const pressed = (key: string): Guard => ({ type: 'pressed', params: { key } });
export const say = (key: string): Action => ({ type: 'say', params: { key } });
export const sendSms = (template: string): Action => ({ type: 'sendSms', params: { template } });
export const request = (effect: EffectName): Action => ({ type: 'request', params: { effect } });

/** A notice filled with the RESULT's vars (attempts left, minutes, a case number). */
export const sayResult = (key: string): Action => ({
  type: 'say',
  params: ({ event }) => ({ key, ...(event.type === 'RESULT' && event.vars ? { vars: event.vars } : {}) }),
});

/** Guards on one effect's answers: `outcomeOf('verifyPin')('wrong')`; outcomes are checked by type. */
export function outcomeOf<E extends EffectName>(effect: E) {
  return (is: EffectOutcome<E>): Guard => ({ type: 'outcome', params: { effect, is } as OutcomeParams });
}

/** Runs `then`'s own actions after others (a choice may be a plain target or a `leave()`). */
export const after = (actions: Action[], then: Choice): Choice => ({ ...then, actions: [...actions, ...(then.actions ?? [])] });

/** A transition that ends this menu with `exit`. */
export function leave(exit: MenuExit, actions: Action[] = []): Choice {
  return { target: '#menu-exit', actions: [...actions, { type: 'setExit', params: { exit } }] };
}

/** Ends the menu towards an agent; `reason` says whether the caller asked, struck out or the flow decided. */
export function toAgent(handoff: Omit<Handoff, 'reason'>, reason: Handoff['reason'] = 'asked', actions: Action[] = []): Choice {
  return leave({ kind: 'agent', handoff: { ...handoff, reason } }, actions);
}

/** The sibling state a sub-menu's `#` returns to. */
export const backToMenu: Choice = { target: 'menu' };
/** `#` in a menu's top state: back to the menu the caller came from. */
export const backOut: Choice = leave({ kind: 'back' });

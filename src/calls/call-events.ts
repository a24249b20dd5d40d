import type { Handoff } from '../../flows/menu-contract';

/**
 * What the engine tells the outside world about calls, for metrics. Labels never carry what a
 * caller typed into a PIN or code prompt: menu choices are reported only for one-key menus.
 */
export interface CallEvents {
  callStarted(): void;
  menuChoice(prompt: string, key: string): void;
  effectResult(effect: string, outcome: string): void;
  handedOff(handoff: Handoff): void;
  /** `contained`: the caller never asked for, nor was sent to, an agent. */
  callEnded(contained: boolean): void;
}

export const ignoreCallEvents: CallEvents = {
  callStarted: () => undefined,
  menuChoice: () => undefined,
  effectResult: () => undefined,
  handedOff: () => undefined,
  callEnded: () => undefined,
};

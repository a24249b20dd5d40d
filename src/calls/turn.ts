import type { GatherKind, PromptVars } from '../../flows/menu-contract';
import type { Language } from '../config';

/** One thing to say, by catalogue key. */
export interface Speech {
  key: string;
  vars?: PromptVars;
}

/**
 * What the caller hears next and how the call goes on, before it becomes TwiML. The engine
 * decides a Turn; the TwiML renderer only formats it.
 */
export interface Turn {
  language: Language;
  speech: Speech[];
  next: TurnNext;
}

export type TurnNext =
  /** Wait for keys or speech; the answer comes back to the gather URL with this revision. */
  | { kind: 'gather'; gather: GatherKind; promptKey: string; revision: number }
  /** Put the caller in Twilio's waiting room while our Redis queue decides who is next. */
  | { kind: 'enqueue'; queue: string }
  /** Connect the caller straight to a number (overflow when the queue cannot be reached). */
  | { kind: 'dial'; number: string }
  | { kind: 'hangup' };

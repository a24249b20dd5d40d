import type { GatherKind } from '../../flows/menu-contract';
import type { Language, PromptVars, Tier } from '../../flows/vocabulary';

/** One thing to say, by catalogue key. */
export interface Speech {
  key: string;
  vars?: PromptVars;
}

/** Where an agent's leg rings: a phone number or a Twilio Client identity. */
export type DialTarget = { kind: 'phone'; number: string } | { kind: 'client'; identity: string };

/**
 * How the call goes on after what the caller hears: every answer the hotline gives Twilio, as
 * data. The engine and the hand-off decide an Answer; only the TwiML renderer formats it.
 */
export type Onward =
  /** Wait for keys or speech; the answer comes back to the gather URL with this revision. */
  | { kind: 'prompt'; gather: GatherKind; promptKey: string; revision: number }
  /** Into Twilio's waiting room while our queue decides who is next. */
  | { kind: 'enqueue'; queue: Tier }
  /** One round of the wait URL: the announcement (1 asks for a callback), then hold music. */
  | { kind: 'wait' }
  /** Music after what was said; the wait URL is requested again when it ends. */
  | { kind: 'hold' }
  /** Out of Twilio's waiting room: its `<Enqueue action>` then decides what happens. */
  | { kind: 'leave' }
  /** The caller's leg rings the agent; `callSid` ties both legs' webhooks to the hand-off. */
  | { kind: 'connectAgent'; callSid: string; agentId: string; token: string; target: DialTarget; waitedMs: number; ringSeconds: number }
  /** The one-question satisfaction survey; `attempt` bounds the asking. */
  | { kind: 'survey'; callSid: string; attempt: number }
  /** Straight to a number (the overflow line when our queue cannot take the caller). */
  | { kind: 'dial'; number: string }
  /** Try the call again shortly, after an inner failure; `attempt` bounds the retries. */
  | { kind: 'retry'; attempt: number }
  | { kind: 'hangup' }
  /** Nothing more on this leg: an agent's leg that answered, an action whose result is moot. */
  | { kind: 'done' };

export type Answer = Onward & { language: Language; speech: Speech[] };

/**
 * Where Twilio runs the TwiML, which decides the verbs it may hold (see twiml-rules.ts): a
 * webhook's answer, the `<Enqueue waitUrl>` (and the actions of gathers inside it), or a REST
 * call update or create.
 */
export type Delivery = 'webhook' | 'waitUrl' | 'callUpdate';

export function answer(language: Language, speech: Speech[], onward: Onward): Answer {
  return { ...onward, language, speech };
}

import type { FastifyBaseLogger as Logger } from 'fastify';
import { UNAVAILABLE_OUTCOME, type EffectName, type EffectOutcome } from '../../flows/effect-contract';
import type { CallFacts, PromptVars } from '../../flows/vocabulary';
import type { CallSession } from './call-session';
import type { SelfServiceDone } from './call-trail';

export interface EffectContext {
  readonly session: Readonly<CallSession>;
  /** The session revision this webhook read: a stable idempotency key for the turn's effects. */
  readonly revision: number;
  readonly log: Logger;
}

/** What an effect answers: one of its declared outcomes (flows/effect-contract.ts). */
export interface EffectResult<E extends EffectName = EffectName> {
  outcome: EffectOutcome<E>;
  facts?: Partial<CallFacts>;
  vars?: PromptVars;
  /** What the effect did for the caller, for the agent (call-trail.ts); never a secret. */
  selfService?: SelfServiceDone;
}

/**
 * An effect a machine may request (`request` action): wallet look-ups, PIN checks, one-time codes.
 * Its answer goes back into the machine as a RESULT event within the same webhook.
 * `args` may hold secrets typed by the caller; handlers must never log them.
 */
export type EffectHandler<E extends EffectName> = (args: Record<string, string>, context: EffectContext) => Promise<EffectResult<E>>;

/** Handlers for some of the effects: what one module of src/ contributes. */
export type EffectHandlers<K extends EffectName> = { readonly [E in K]: EffectHandler<E> };

/** One handler for every declared effect: a missing one is a type error where the app is built. */
export type EffectRegistry = EffectHandlers<EffectName>;

/** The outcome a machine receives when an effect failed: apologise, offer an agent. */
export const UNAVAILABLE = { outcome: UNAVAILABLE_OUTCOME } as const satisfies EffectResult;

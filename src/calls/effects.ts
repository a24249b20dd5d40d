import type { FastifyBaseLogger as Logger } from 'fastify';
import type { ResultEvent } from '../../flows/menu-contract';
import type { CallSession } from './call-session';

export interface EffectContext {
  readonly session: Readonly<CallSession>;
  /** The session revision this webhook read: a stable idempotency key for the turn's effects. */
  readonly revision: number;
  readonly log: Logger;
}

export type EffectResult = Omit<ResultEvent, 'type' | 'effect'>;

/**
 * An effect a machine may request (`request` action): wallet look-ups, PIN checks, one-time codes.
 * Its answer goes back into the machine as a RESULT event within the same webhook.
 * `args` may hold secrets typed by the caller; handlers must never log them.
 */
export type EffectHandler = (args: Record<string, string>, context: EffectContext) => Promise<EffectResult>;

export type EffectRegistry = Readonly<Record<string, EffectHandler>>;

/** The outcome a machine receives when an effect failed or does not exist: apologise, offer an agent. */
export const UNAVAILABLE: EffectResult = { outcome: 'unavailable' };

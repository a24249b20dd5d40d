/**
 * The queue's Lua scripts answer a refused change with a negative code instead of raising, so a
 * normal race (the caller hung up, the lease already expired) costs no exception. The codes are
 * decoded here and nowhere else.
 */
const OUTCOMES = {
  1: 'ok',
  [-1]: 'call-not-found',
  [-2]: 'wrong-state',
  [-3]: 'other-agent',
} as const;

export type QueueScriptOutcome = (typeof OUTCOMES)[keyof typeof OUTCOMES];

export class QueueScriptError extends Error {
  constructor(script: string, reply: unknown) {
    super(`queue script ${script} returned an unexpected reply: ${JSON.stringify(reply)}`);
    this.name = 'QueueScriptError';
  }
}

export function decodeOutcome(script: string, reply: unknown): QueueScriptOutcome {
  const outcome = typeof reply === 'number' ? OUTCOMES[reply as keyof typeof OUTCOMES] : undefined;
  if (outcome === undefined) throw new QueueScriptError(script, reply);
  return outcome;
}

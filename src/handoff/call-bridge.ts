import type { Agent } from '../agents/agent-directory';
import type { Language } from '../config';
import type { ClaimedCall, Tier } from '../queue/human-queue';

/**
 * Moves live calls between the caller, the queue and agents through Twilio (REST in live mode,
 * the outbox in simulate mode). The agent API decides *who*; the bridge makes the phone calls.
 */
export interface CallBridge {
  /**
   * Connects a claimed caller to `agent`: the caller's live call is redirected into a `<Dial>` to
   * the agent, or, for a caller who asked for a callback, the caller is called back. Throws when
   * Twilio refuses; the claimer then puts the caller back at the front of the queue.
   */
  connect(claim: ClaimedCall, agent: Agent): Promise<void>;
  /** After an escalation: the caller leaves the agent and waits again, in `queue`. */
  moveToQueue(callSid: string, queue: Tier, language: Language): Promise<void>;
  /** After wrap-up: the agent is done and the caller hears the satisfaction survey. */
  finish(callSid: string, language: Language): Promise<void>;
}

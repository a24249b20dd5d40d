import type { Language, Tier } from '../../../flows/vocabulary';
import type { Agent } from '../../agents/agent-directory';
import type { HandoffRecord } from '../record/handoff-record';

/** The claim a bridge carries out: the record as claimed, its token, and what the caller waited. */
export interface Claim {
  record: HandoffRecord;
  token: string;
  waitedMs: number;
}

/**
 * Moves live calls between the caller, the queue and agents through Twilio (REST in live mode,
 * the outbox in simulate mode). The hand-off record decides *who*; the bridge makes the phone calls.
 * Each method throws Twilio's refusal (see twilio-errors.ts); the caller of the bridge decides.
 */
export interface CallBridge {
  /**
   * Connects a claimed caller to `agent`: the caller's live call is redirected into a `<Dial>` to
   * the agent, or, for a caller who asked for a callback, the caller is called back.
   */
  connect(claim: Claim, agent: Agent): Promise<void>;
  /** After an escalation: the caller leaves the agent and waits again, in `queue`. */
  moveToQueue(callSid: string, queue: Tier, language: Language): Promise<void>;
  /** After wrap-up: the agent is done and the caller hears the satisfaction survey. */
  finish(callSid: string, language: Language): Promise<void>;
}

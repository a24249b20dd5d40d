import type { Logger } from 'pino';
import type { Tier } from '../../flows/vocabulary';

/**
 * What happens to callers on their way to an agent, for logs now and metrics later: the metrics
 * module implements this interface and is passed in where the hand-off is built.
 */
export interface HandoffEvents {
  /** A waiting caller hung up (not one who asked for a callback). */
  onAbandoned(event: { callSid: string; queue: Tier; position: number | null; waitedMs: number }): void;
  /** An agent answered: the caller waited `waitedMs`. */
  onConnected(event: { callSid: string; queue: Tier; agentId: string; waitedMs: number }): void;
  /** The agent's leg did not connect; the caller went back to the front. */
  onBridgeFailed(event: { callSid: string; agentId: string; status: string }): void;
  onSurvey(event: { callSid: string; score: number | null }): void;
}

export function loggingHandoffEvents(log: Logger): HandoffEvents {
  return {
    onAbandoned: (event) => log.info({ ...event, event: 'queue.abandoned' }, 'caller hung up while waiting'),
    onConnected: (event) => log.info({ ...event, event: 'queue.connected' }, 'caller connected to an agent'),
    onBridgeFailed: (event) => log.warn({ ...event, event: 'queue.bridgeFailed' }, 'agent leg failed; caller back at the front'),
    onSurvey: (event) => log.info({ ...event, event: 'survey.answered' }, 'satisfaction survey finished'),
  };
}

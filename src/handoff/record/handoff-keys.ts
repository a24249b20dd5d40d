import type { IndexName } from './handoff-plan';

/**
 * Every Redis key of the hand-off is built here. All share the hash tag `{queue}`, so the one
 * script that changes several of them at once runs on Redis Cluster too, and every key it touches
 * is passed to it in KEYS.
 */
export interface HandoffKeys {
  record(callSid: string): string;
  agent(agentId: string): string;
  index(name: IndexName): string;
  /** A list of the waiting room's figures of one queue. */
  figures(kind: string, queue: string): string;
  /** The call records' stream: it shares the tag, so a step appends its fact in the same script. */
  readonly records: string;
  /** Pub/sub channel of record changes (not a key). */
  readonly events: string;
}

export function handoffKeys(prefix: string): HandoffKeys {
  const tag = `${prefix}{queue}`;
  return {
    record: (callSid) => `${tag}:call:${callSid}`,
    agent: (agentId) => `${tag}:agent:${agentId}`,
    index: (name) => `${tag}:${name}`,
    figures: (kind, queue) => `${tag}:${kind}:${queue}`,
    records: `${tag}:records`,
    events: `${tag}:events`,
  };
}

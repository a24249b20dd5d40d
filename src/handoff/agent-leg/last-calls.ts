import type { KeyValueStore } from '../../store/key-value-store';

/**
 * The call each agent took last (shared by every instance). The agent's one-call key is freed when
 * a conversation ends, but the call is still theirs to wrap up for WRAP_UP_WINDOW_SECONDS: this is
 * how the supervisors' overview finds it (`wrap-up`). Written when a claim succeeds.
 */
export class LastCalls {
  constructor(
    private readonly values: KeyValueStore,
    /** As long as a hand-off record can live: the call it names may be read until then. */
    private readonly ttlMs: number,
  ) {}

  remember(agentId: string, callSid: string): Promise<void> {
    return this.values.set(key(agentId), callSid, this.ttlMs);
  }

  last(agentId: string): Promise<string | null> {
    return this.values.get(key(agentId));
  }
}

const key = (agentId: string) => `agent-last-call:${agentId}`;

import type { HumanQueue } from '../queue/human-queue';
import type { KeyValueStore } from '../store/key-value-store';

/** Long enough for any conversation; the queue, not this key, says whether the call is still held. */
const HOLDING_TTL_MS = 12 * 3600_000;

/**
 * Which caller an agent took last, so an agent takes one caller at a time. The queue stays the
 * judge: once the call is no longer this agent's (wrap-up, escalation, hang-up, a failed bridge,
 * a lapsed lease) the agent is free again, whoever noticed it.
 */
export class AgentHoldings {
  constructor(
    private readonly values: KeyValueStore,
    private readonly queue: HumanQueue,
  ) {}

  /** The call this agent still holds, or null. */
  async held(agentId: string): Promise<string | null> {
    const callSid = await this.values.get(this.key(agentId));
    if (callSid === null) return null;
    return (await this.queue.owner(callSid)) === agentId ? callSid : null;
  }

  async hold(agentId: string, callSid: string): Promise<void> {
    await this.values.set(this.key(agentId), callSid, HOLDING_TTL_MS);
  }

  private key(agentId: string): string {
    return `agent-api:holding:${agentId}`;
  }
}

/**
 * Whether an agent is ready for the next caller (`PUT /agent/availability`). Runtime state, not
 * part of the agents file: shared by every instance through Redis, or in-process when embedded.
 * Kept apart from the queue because it changes on the agent's word, never with a caller.
 */
export interface AgentAvailability {
  set(agentId: string, available: boolean): Promise<void>;
  isAvailable(agentId: string): Promise<boolean>;
  /** Sorted, so every instance lists them alike. */
  listAvailable(): Promise<string[]>;
}

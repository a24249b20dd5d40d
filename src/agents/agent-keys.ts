/** Every Redis key of the agents' runtime state is built here. */
export interface AgentKeys {
  /** Set of the ids of available agents. */
  readonly available: string;
}

export function agentKeys(prefix: string): AgentKeys {
  return { available: `${prefix}agents:available` };
}

import type { AgentAvailability } from './agent-availability';

export class MemoryAgentAvailability implements AgentAvailability {
  private readonly available = new Set<string>();

  async set(agentId: string, available: boolean): Promise<void> {
    if (available) this.available.add(agentId);
    else this.available.delete(agentId);
  }

  async isAvailable(agentId: string): Promise<boolean> {
    return this.available.has(agentId);
  }

  async listAvailable(): Promise<string[]> {
    return [...this.available].sort();
  }
}

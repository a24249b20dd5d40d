import type { RedisClient } from '../store/redis-connection';
import type { AgentAvailability } from './agent-availability';
import { agentKeys, type AgentKeys } from './agent-keys';

export class RedisAgentAvailability implements AgentAvailability {
  private readonly keys: AgentKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = agentKeys(prefix);
  }

  async set(agentId: string, available: boolean): Promise<void> {
    if (available) await this.redis.sadd(this.keys.available, agentId);
    else await this.redis.srem(this.keys.available, agentId);
  }

  async isAvailable(agentId: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.available, agentId)) === 1;
  }

  async listAvailable(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.available)).sort();
  }
}

import type { Redis } from 'ioredis';
import type { AgentAvailability } from '../../src/agents/agent-availability';
import { MemoryAgentAvailability } from '../../src/agents/memory-agent-availability';
import { RedisAgentAvailability } from '../../src/agents/redis-agent-availability';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';

let redis: Redis;
const prefix = uniquePrefix('agents');

beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe.each<[string, () => AgentAvailability]>([
  ['memory', () => new MemoryAgentAvailability()],
  ['redis', () => new RedisAgentAvailability(redis, `${prefix}${Math.random()}:`)],
])('%s agent availability', (_, create) => {
  it('starts with nobody available and follows what agents set', async () => {
    const availability = create();
    expect(await availability.listAvailable()).toEqual([]);
    await availability.set('bob', true);
    await availability.set('alice', true);
    await availability.set('alice', true);
    expect(await availability.isAvailable('alice')).toBe(true);
    expect(await availability.listAvailable()).toEqual(['alice', 'bob']);
    await availability.set('alice', false);
    await availability.set('carol', false);
    expect(await availability.isAvailable('alice')).toBe(false);
    expect(await availability.listAvailable()).toEqual(['bob']);
  });
});

import type { Redis } from 'ioredis';
import { AgentDirectory, hashAgentToken } from '../../src/agents/agent-directory';
import type { Tier } from '../../src/queue/human-queue';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { ManualClock, startTestHotline, type TestHotline } from '../support/test-app';
import { bearer, queuedCaller } from './agent-test-kit';

const INSTANCES = 4;
const AGENTS = 20;
const QUEUED_FIRST = 500;
const ARRIVING_LATER = 150;

/** Agents 0–9 serve tier1 only; 10–19 serve both tiers (so they take tier2 first). */
const agents = Array.from({ length: AGENTS }, (_, i) => ({
  id: `agent-${i}`,
  token: `token-${i}-${'x'.repeat(32)}`,
  tiers: (i < 10 ? ['tier1'] : ['tier1', 'tier2']) as Tier[],
}));
const directory = new AgentDirectory({
  agents: agents.map((agent) => ({
    id: agent.id,
    name: `Agent ${agent.id}`,
    tiers: agent.tiers,
    contact: `client:${agent.id}`,
    tokenHash: hashAgentToken(agent.token),
  })),
});

/** Four app instances, each with its own Redis connection, share one queue: SPEC §4 "two agents never get the same caller". */
describe('POST /agent/claims from 20 agents on 4 instances at once', () => {
  let prefix: string;
  let connections: Redis[];
  let instances: TestHotline[];

  beforeEach(async () => {
    prefix = uniquePrefix('agent-claims');
    const clock = new ManualClock();
    connections = await Promise.all(Array.from({ length: INSTANCES }, () => testRedis()));
    instances = await Promise.all(connections.map((redis) => startTestHotline({ redis, prefix, clock, deps: { agents: directory } })));
  });
  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await deletePrefix(connections[0]!, prefix);
    await Promise.all(connections.map((redis) => redis.quit()));
  });

  const instance = (i: number) => instances[i % INSTANCES]!;

  it('hands every caller to exactly one agent, losing none, while callers keep arriving', async () => {
    const tierOf = (i: number): Tier => (i % 5 === 0 ? 'tier2' : 'tier1');
    const first = Array.from({ length: QUEUED_FIRST }, (_, i) => queuedCaller({ queue: tierOf(i), enqueuedAt: 1_000 + i, from: `+86138${String(i).padStart(8, '0')}` }));
    await Promise.all(first.map((entry, i) => instance(i).store.queue.enqueue(entry)));
    await Promise.all(agents.map((agent, i) => instance(i).app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(agent.token), payload: { available: true } })));

    let arriving = true;
    const late = Array.from({ length: ARRIVING_LATER }, (_, i) => queuedCaller({ queue: tierOf(i), enqueuedAt: 10_000 + i }));
    const arrivals = (async () => {
      for (const [i, entry] of late.entries()) {
        await instance(i).store.queue.enqueue(entry);
        if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      arriving = false;
    })();

    const claims: { callSid: string; queue: Tier; agent: number }[] = [];
    const claimers = agents.map(async (agent, a) => {
      // Each agent's requests go round the instances, as a load balancer would send them.
      for (let n = a; ; n++) {
        const response = await instance(n).app.inject({ method: 'POST', url: '/agent/claims', headers: bearer(agent.token) });
        if (response.statusCode === 200) {
          const body = response.json();
          claims.push({ callSid: body.callSid, queue: body.queue, agent: a });
          // One caller at a time: the agent wraps up (on another instance) before taking the next.
          const wrapUp = await instance(n + 1).app.inject({
            method: 'POST',
            url: `/agent/calls/${body.callSid}/wrap-up`,
            headers: { ...bearer(agent.token), 'content-type': 'application/json' },
            payload: { note: 'done', resolved: true },
          });
          if (wrapUp.statusCode !== 204) throw new Error(`wrap-up answered ${wrapUp.statusCode}: ${wrapUp.body}`);
        } else if (response.statusCode === 204) {
          // Empty for this agent's tiers now; stop once nobody else can arrive.
          if (!arriving) return;
          await new Promise((resolve) => setImmediate(resolve));
        } else {
          throw new Error(`claim answered ${response.statusCode}: ${response.body}`);
        }
      }
    });
    await Promise.all([arrivals, ...claimers]);

    const enqueued = [...first, ...late].map((entry) => entry.callSid);
    const claimed = claims.map((claim) => claim.callSid);
    expect(claimed).toHaveLength(enqueued.length);
    expect(new Set(claimed)).toEqual(new Set(enqueued));
    expect(await instance(0).store.queue.depth('tier1')).toBe(0);
    expect(await instance(1).store.queue.depth('tier2')).toBe(0);
    // Nobody took a caller outside their tiers.
    expect(claims.filter((claim) => claim.queue === 'tier2' && claim.agent < 10)).toEqual([]);
    // Every claim moved its caller's call into a <Dial> to the agent who took it, exactly once.
    const dials = instances
      .flatMap((hotline) => hotline.twilio.outbox())
      .filter((entry) => entry.kind === 'call-update' && entry.twiml?.includes('<Dial'));
    expect(dials).toHaveLength(enqueued.length);
  }, 60_000);
});

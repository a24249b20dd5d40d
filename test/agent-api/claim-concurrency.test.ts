import type { Redis } from 'ioredis';
import type { Tier } from '../../flows/vocabulary';
import { AgentDirectory, hashAgentToken } from '../../src/agents/agent-directory';
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

/**
 * Four app instances, each with its own Redis connection, share one set of hand-off records:
 * SPEC §4 "two agents never get the same caller" and §4.1 "one caller per agent at a time".
 */
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

  it('hands every caller to exactly one agent, losing none, and no agent ever two callers, while callers keep arriving', async () => {
    const tierOf = (i: number): Tier => (i % 5 === 0 ? 'tier2' : 'tier1');
    const first = Array.from({ length: QUEUED_FIRST }, (_, i) => queuedCaller({ queue: tierOf(i), enqueuedAt: 1_000 + i, from: `+86138${String(i).padStart(8, '0')}` }));
    await Promise.all(first.map((entry, i) => instance(i).records.enqueue(entry)));
    await Promise.all(agents.map((agent, i) => instance(i).app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(agent.token), payload: { available: true } })));

    let arriving = true;
    const late = Array.from({ length: ARRIVING_LATER }, (_, i) => queuedCaller({ queue: tierOf(i), enqueuedAt: 10_000 + i }));
    const arrivals = (async () => {
      for (const [i, entry] of late.entries()) {
        await instance(i).records.enqueue(entry);
        if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      arriving = false;
    })();

    const claims: { callSid: string; queue: Tier; agent: number }[] = [];
    /** What each agent holds right now, as the API told them; a second caller while one is held is a violation. */
    const holding = new Map<number, string>();
    const violations: string[] = [];
    let refusedAsBusy = 0;

    const claimers = agents.map(async (agent, a) => {
      const claimOn = (n: number) => instance(n).app.inject({ method: 'POST', url: '/agent/claims', headers: bearer(agent.token) });
      // Each agent's requests go round the instances, as a load balancer would send them; every
      // other round the agent clicks twice, so two claims by one agent race on two instances.
      for (let n = a; ; n++) {
        const double = n % 2 === 0;
        const responses = await Promise.all(double ? [claimOn(n), claimOn(n + 1)] : [claimOn(n)]);
        const taken = responses.filter((response) => response.statusCode === 200);
        const busy = responses.filter((response) => response.statusCode === 409);
        const other = responses.filter((response) => ![200, 204, 409].includes(response.statusCode));
        if (other.length > 0) throw new Error(`claim answered ${other[0]!.statusCode}: ${other[0]!.body}`);
        if (taken.length > 1) violations.push(`${agent.id} got ${taken.map((response) => response.json().callSid).join(' and ')} at once`);
        // A 409 is the one-call rule refusing the twin of a claim that won (the agent holds nothing otherwise).
        if (busy.length > 0 && taken.length === 0) violations.push(`${agent.id} refused as busy while holding nothing: ${busy[0]!.body}`);
        refusedAsBusy += busy.length;
        for (const response of busy) {
          if (!String(response.json().message).includes(taken[0]?.json().callSid)) violations.push(`${agent.id}'s 409 names another call: ${response.body}`);
        }
        if (taken.length === 0) {
          // Empty for this agent's tiers now; stop once nobody else can arrive.
          if (!arriving) return;
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        for (const response of taken) {
          const body = response.json();
          if (holding.has(a)) violations.push(`${agent.id} took ${body.callSid} while holding ${holding.get(a)}`);
          holding.set(a, body.callSid);
          claims.push({ callSid: body.callSid, queue: body.queue, agent: a });
        }
        const callSid = holding.get(a)!;
        // The agent's phone answers (recorded on another instance), then the agent wraps up (on yet another).
        const offered = await instance(n + 2).records.get(callSid);
        if (offered?.state !== 'offered' || offered.agentId !== agent.id) violations.push(`${callSid} is ${offered?.state} for ${offered?.agentId} after ${agent.id} took it`);
        const answered = await instance(n + 2).records.answered(callSid, offered!.token!);
        if (answered.kind !== 'done') throw new Error(`answer of ${callSid} refused: ${JSON.stringify(answered)}`);
        holding.delete(a);
        const wrapUp = await instance(n + 3).app.inject({
          method: 'POST',
          url: `/agent/calls/${callSid}/wrap-up`,
          headers: { ...bearer(agent.token), 'content-type': 'application/json' },
          payload: { note: 'done', resolved: true },
        });
        if (wrapUp.statusCode !== 204) throw new Error(`wrap-up answered ${wrapUp.statusCode}: ${wrapUp.body}`);
      }
    });
    await Promise.all([arrivals, ...claimers]);

    expect(violations).toEqual([]);
    const enqueued = [...first, ...late].map((entry) => entry.callSid);
    const claimed = claims.map((claim) => claim.callSid);
    expect(claimed).toHaveLength(enqueued.length);
    expect(new Set(claimed)).toEqual(new Set(enqueued));
    expect(await instance(0).records.depth('tier1')).toBe(0);
    expect(await instance(1).records.depth('tier2')).toBe(0);
    // Nobody took a caller outside their tiers.
    expect(claims.filter((claim) => claim.queue === 'tier2' && claim.agent < 10)).toEqual([]);
    // The double clicks did race: the one-call rule refused some of them.
    expect(refusedAsBusy).toBeGreaterThan(0);
    // Every record is closed with the wrap-up of the one agent who took it, who alone ever held it.
    const byCall = new Map(claims.map((claim) => [claim.callSid, agents[claim.agent]!.id]));
    const records = await Promise.all(enqueued.map((callSid, i) => instance(i).records.get(callSid)));
    const wrong = records.filter((record) => {
      const agentId = byCall.get(record!.callSid);
      return record?.state !== 'closed' || record.wrapUp?.agentId !== agentId || record.agents.length !== 1 || record.agents[0] !== agentId;
    });
    expect(wrong).toEqual([]);
    // Nobody holds a caller any more.
    expect(await Promise.all(agents.map((agent, i) => instance(i).records.heldBy(agent.id)))).toEqual(agents.map(() => null));
    // Every claim moved its caller's call into a <Dial> to the agent who took it, exactly once.
    const dials = instances
      .flatMap((hotline) => hotline.twilio.outbox())
      .filter((entry) => entry.kind === 'call-update' && entry.twiml?.includes('<Dial'));
    expect(dials).toHaveLength(enqueued.length);
    for (const dial of dials) {
      if (dial.kind !== 'call-update') continue;
      expect(dial.twiml).toContain(`>${byCall.get(dial.callSid)}</Client>`);
    }
  }, 60_000);
});

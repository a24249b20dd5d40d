import { setTimeout as sleep } from 'node:timers/promises';
import type { QueuedCallDouble } from '../../scripts/lib/handoff-double';
import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { prompt } from '../support/test-app';
import { queuedCaller, serveClaimedCaller, startFleetUnderTest, tier1Order, type FleetUnderTest } from './instances-kit';

/**
 * SPEC §5 "High availability and scale-out", issue 10 item 3: three hotline processes share one
 * Redis behind a round-robin balancer (every webhook and agent request goes to the next instance).
 * The sweeper runs on all of them at once, on its own timer; then one is killed (SIGKILL) with
 * webhooks in flight to it, and every call goes on from its session on the others.
 */
describe('three hotline processes behind a balancer share one Redis', () => {
  let under: FleetUnderTest;
  beforeAll(async () => {
    under = await startFleetUnderTest(3);
  }, 180_000);
  afterAll(async () => {
    await under?.close();
  }, 60_000);

  /**
   * Twilio requests the wait URL of every caller still in the queue every 2 s (each request to the
   * next instance): their heartbeat. A caller taken out of the queue is requested no more.
   */
  function heartbeats(callers: QueuedCallDouble[]) {
    const inQueue = new Set(callers);
    const inFlight = new Map<QueuedCallDouble, Promise<unknown>>();
    let running = true;
    const loop = (async () => {
      while (running) {
        await Promise.all(
          [...inQueue].map((caller) => {
            const request = caller.wait();
            inFlight.set(caller, request);
            return request;
          }),
        );
        await sleep(2000);
      }
    })();
    return {
      /** The caller leaves the queue (a claim's call update reached Twilio); resolves once their last wait request is answered. */
      leave: async (caller: QueuedCallDouble) => {
        inQueue.delete(caller);
        await inFlight.get(caller);
      },
      stop: async () => {
        running = false;
        await loop;
      },
    };
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
      await sleep(250);
    }
  }

  it('the sweepers of all instances hand a lapsed claim back once, reap a ghost once, and lose nobody', async () => {
    const callers: QueuedCallDouble[] = [];
    for (let n = 0; n < 8; n++) callers.push(await queuedCaller(under));
    const sids = callers.map((caller) => caller.driver.callSid);
    expect(await tier1Order(under)).toEqual(sids);
    const ghosts = [callers[3]!, callers[6]!];
    const live = callers.filter((caller) => !ghosts.includes(caller));
    const waitLoop = heartbeats(live);
    try {
      const alice = under.agent('alice');
      const bob = under.agent('bob');
      expect((await alice.available()).status).toBe(200);
      expect((await bob.available()).status).toBe(200);
      // Both claims succeed, but Twilio never carries out their call updates (the instance that made
      // them could have died): no webhook tells the hotline, only the leases' timers.
      const claims = [await alice.claim(), await bob.claim()];
      expect(claims.map((claim) => claim.status)).toEqual([200, 200]);
      expect(claims.map((claim) => claim.callSid)).toEqual(sids.slice(0, 2));

      // Three sweepers race for each lapsed lease every 2 s: each caller goes back to the front once.
      const lapsed = await waitFor(
        'the lapsed claims back in line',
        async () => {
          const records = await Promise.all(sids.slice(0, 2).map((sid) => under.records.get(sid)));
          return records.every((record) => record?.state === 'waiting') ? records : undefined;
        },
        30_000,
      );
      for (const record of lapsed) {
        expect(record).toMatchObject({ state: 'waiting', bridgeFailures: 1 });
        expect(record!.token).toBeUndefined();
      }
      const order = await tier1Order(under);
      expect(order).toHaveLength(8);
      expect(new Set(order.slice(0, 2))).toEqual(new Set(sids.slice(0, 2)));
      expect(order.slice(2)).toEqual(sids.slice(2));

      // The ghosts' wait URL went quiet; the live callers' did not: only the ghosts are reaped, each once.
      const reaped = await waitFor(
        'the ghosts reaped',
        async () => {
          const records = await Promise.all(ghosts.map((ghost) => under.records.get(ghost.driver.callSid)));
          return records.every((record) => record?.state === 'closed') ? records : undefined;
        },
        90_000,
      );
      for (const record of reaped) expect(record).toMatchObject({ state: 'closed', endReason: 'lost-hangup', agents: [] });
      const stillWaiting = live.map((caller) => caller.driver.callSid);
      expect(new Set(await tier1Order(under))).toEqual(new Set(stillWaiting));
      expect(await tier1Order(under)).toHaveLength(live.length);

      // Both agents serve everyone left, each on whichever instance the balancer picks: nobody twice, nobody lost.
      const served = new Map<string, string>();
      await Promise.all(
        [alice, bob].map(async (agent) => {
          for (;;) {
            const claim = await agent.claim();
            if (claim.status === 204) return;
            expect(claim.status).toBe(200);
            expect(served.has(claim.callSid!)).toBe(false);
            served.set(claim.callSid!, agent.id);
            const caller = live.find((candidate) => candidate.driver.callSid === claim.callSid)!;
            expect(caller).toBeDefined();
            await waitLoop.leave(caller);
            expect(await serveClaimedCaller(under, agent, caller, claim.backend)).toBe(204);
          }
        }),
      );
      expect(new Set(served.keys())).toEqual(new Set(stillWaiting));
      for (const [callSid, agentId] of served) {
        expect(await under.records.get(callSid)).toMatchObject({ state: 'closed', agentId, wrapUp: { agentId }, survey: 5 });
      }
      expect(await tier1Order(under)).toEqual([]);
    } finally {
      await waitLoop.stop();
    }
  }, 240_000);

  it('an instance killed with webhooks in flight loses no call: menus, queue places and claims go on from the sessions', async () => {
    const { balancer } = under.fleet;
    const menuCallers: TwilioCallDriver[] = [];
    for (let n = 0; n < 6; n++) {
      const call = await under.caller().dial();
      await call.press('3');
      expect(call.heard).toEqual([prompt('techSupport.menu')]);
      menuCallers.push(call);
    }
    const queued: QueuedCallDouble[] = [];
    for (let n = 0; n < 4; n++) queued.push(await queuedCaller(under));
    const queueOrder = queued.map((caller) => caller.driver.callSid);
    expect(await tier1Order(under)).toEqual(queueOrder);

    // Instance 0 stops answering (SIGSTOP) while the next webhooks go out round robin, so some are
    // in flight to it for certain; then it is killed, and the balancer sends those to the others.
    const victim = under.fleet.processes[0]!;
    process.kill(victim.pid, 'SIGSTOP');
    const redispatchedBefore = balancer.redispatched;
    const inFlight = Promise.all([...menuCallers.map((call) => call.press('1')), ...queued.map((caller) => caller.wait())]);
    await sleep(300);
    await victim.kill();
    await inFlight;
    expect(balancer.redispatched).toBeGreaterThan(redispatchedBefore);
    const servedByVictim = balancer.served[0];

    for (const call of menuCallers) expect(call.heard).toEqual([prompt('techSupport.appCrash')]);
    for (const [n, caller] of queued.entries()) {
      expect(caller.driver.heard).toContain(prompt('queue.wait.position', 'zh-CN', { position: n + 1 }));
    }
    // Every call goes on where it was, on the survivors: the SMS, back, back to the main menu.
    for (const call of menuCallers) {
      await call.press('1');
      expect(call.heard).toEqual([prompt('sms.sent'), prompt('techSupport.appCrash')]);
      await call.press('#');
      expect(call.heard).toEqual([prompt('techSupport.menu')]);
      await call.press('#');
      expect(call.heard).toEqual([prompt('main.menu')]);
      expect(await call.hangUp()).toBe(204);
    }
    // The queue is as it was: same callers, same places; the agents take the first two in order.
    expect(await tier1Order(under)).toEqual(queueOrder);
    const alice = under.agent('alice');
    const bob = under.agent('bob');
    for (const [agent, expected] of [[alice, queued[0]!], [bob, queued[1]!]] as const) {
      const claim = await agent.claim();
      expect(claim).toMatchObject({ status: 200, callSid: expected.driver.callSid });
      expect(claim.backend).not.toBe(0);
      expect(await serveClaimedCaller(under, agent, expected, claim.backend)).toBe(204);
      expect(await under.records.get(expected.driver.callSid)).toMatchObject({ state: 'closed', agentId: agent.id, survey: 5 });
    }
    expect(await tier1Order(under)).toEqual(queueOrder.slice(2));
    for (const [n, caller] of queued.slice(2).entries()) {
      await caller.wait();
      expect(caller.driver.heard).toContain(prompt('queue.wait.position', 'zh-CN', { position: n + 1 }));
    }
    for (const caller of queued.slice(2)) {
      expect(await caller.driver.hangUp()).toBe(204);
      expect(await under.records.get(caller.driver.callSid)).toMatchObject({ state: 'closed', endReason: 'abandoned' });
    }
    expect(balancer.served[0]).toBe(servedByVictim);
  }, 240_000);
});

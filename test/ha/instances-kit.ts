import type { Redis } from 'ioredis';
import { AgentClient } from '../../scripts/lib/agent-client';
import { fetchDevOutbox } from '../../scripts/lib/dev-outbox';
import { dialOfCallUpdate, QueuedCallDouble } from '../../scripts/lib/handoff-double';
import { FLEET_PUBLIC_URL, startFleet, type HotlineFleet } from '../../scripts/lib/hotline-fleet';
import { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { systemClock } from '../../src/clock';
import { handoffRules } from '../../src/handoff/handoff-module';
import { HandoffRecords } from '../../src/handoff/record/handoff-records';
import { createRedisStore } from '../../src/stores';
import { createPostgresDatabase, type TestDatabase } from '../support/postgres';
import { deletePrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from '../support/redis';
import { prompt, someCaller, testConfig } from '../support/test-app';

export const FLEET_AUTH_TOKEN = 'ha-fleet-test-token';

/** The demo agents the processes read from data/agents.json. */
export const AGENT_TOKENS = { alice: 'alice-demo-token', bob: 'bob-demo-token' } as const;

/**
 * Short timers, so leases lapse and ghosts are reaped within a test: a claim's lease 6 s, the ring
 * 5 s, a waiting caller unseen for 30 s is a ghost. Open around the clock, so callers reach the queue.
 */
export const FLEET_TIMERS = { LEASE_SECONDS: '6', AGENT_RING_SECONDS: '5', QUEUE_HEARTBEAT_SECONDS: '30', BUSINESS_HOURS: 'mon-sun 00:00-24:00' };

/**
 * Several hotline processes (src/main.ts through tsx) on the test Redis under one prefix of their
 * own, their call records in one PostgreSQL database of their own, behind a round-robin balancer;
 * and a Redis connection of the test's own that reads the hand-off records they share.
 */
export interface FleetUnderTest {
  fleet: HotlineFleet;
  redis: Redis;
  prefix: string;
  records: HandoffRecords;
  /** A new caller, played by Twilio through the balancer. */
  caller(): TwilioCallDriver;
  agent(id: keyof typeof AGENT_TOKENS): AgentClient;
  close(): Promise<void>;
}

export async function startFleetUnderTest(instances: number): Promise<FleetUnderTest> {
  const redis = await testRedis();
  const prefix = uniquePrefix('ha-fleet');
  let database: TestDatabase | undefined;
  let fleet: HotlineFleet | undefined;
  try {
    database = await createPostgresDatabase('ha_fleet');
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, DATABASE_URL: database.url, TWILIO_AUTH_TOKEN: FLEET_AUTH_TOKEN, ...FLEET_TIMERS };
    fleet = await startFleet({ instances, code: 'source', env });
    const started = fleet;
    const records = new HandoffRecords(createRedisStore(redis, prefix).handoffs, handoffRules(testConfig(env)), systemClock);
    const ownDatabase = database;
    return {
      fleet: started,
      redis,
      prefix,
      records,
      caller: () => new TwilioCallDriver(started.balancer.post, { baseUrl: FLEET_PUBLIC_URL, authToken: FLEET_AUTH_TOKEN, from: someCaller() }),
      agent: (id) => new AgentClient(started.balancer, FLEET_PUBLIC_URL, id, AGENT_TOKENS[id]),
      close: async () => {
        await started.stop();
        await ownDatabase.drop();
        await deletePrefix(redis, prefix);
        await redis.quit();
      },
    };
  } catch (error) {
    await fleet?.stop();
    await database?.drop();
    await redis.quit();
    throw error;
  }
}

/** A caller who pressed 0 at the main menu and is now in Twilio's queue. */
export async function queuedCaller(under: FleetUnderTest): Promise<QueuedCallDouble> {
  const driver = await under.caller().dial();
  await driver.press('0');
  const queued = QueuedCallDouble.from(driver, under.fleet.balancer.post, FLEET_AUTH_TOKEN);
  if (!queued) throw new Error(`0 did not queue the caller; heard ${driver.heard.join(' | ')}`);
  await queued.wait();
  return queued;
}

/** The `<Dial>` a claim answered on `backend` sent the caller to (that instance's outbox). */
export async function dialOfClaim(under: FleetUnderTest, backend: number, callSid: string) {
  const outbox = await fetchDevOutbox(under.fleet.poster.get, under.fleet.processes[backend]!.baseUrl, callSid);
  const dial = outbox && dialOfCallUpdate(outbox, callSid);
  if (!dial) throw new Error(`instance ${backend} claimed ${callSid} but made no call update with a <Dial>: ${JSON.stringify(outbox)}`);
  return dial;
}

/**
 * The whole conversation of a claimed caller, as Twilio and the agent play it: the caller leaves
 * the queue for the agent's `<Dial>`, the agent answers (connected), talks, hangs up; the caller
 * answers the survey and hangs up; the agent wraps up. Returns the wrap-up's status.
 */
export async function serveClaimedCaller(under: FleetUnderTest, agent: AgentClient, caller: QueuedCallDouble, backend: number): Promise<number> {
  const dial = await dialOfClaim(under, backend, caller.driver.callSid);
  await caller.redirected();
  if (!(await caller.agentAnswers(dial))) throw new Error(`the agent's answer did not connect ${caller.driver.callSid}`);
  await caller.dialEnds(dial, 'completed', 30);
  if (caller.driver.heard.at(-1) !== prompt('survey.question')) throw new Error(`no survey after the agent hung up: ${caller.driver.heard.join(' | ')}`);
  await caller.driver.press('5');
  const hangUp = await caller.driver.hangUp(60);
  if (hangUp >= 300) throw new Error(`the status callback answered ${hangUp}`);
  return (await agent.wrapUp(caller.driver.callSid, `served ${caller.driver.callSid.slice(-6)}`)).status;
}

/** The callers waiting in tier1, in queue order. */
export async function tier1Order(under: FleetUnderTest): Promise<string[]> {
  return (await under.records.list('tier1')).map((record) => record.callSid);
}

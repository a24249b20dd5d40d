import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisTopology } from '../../scripts/lib/redis-topology';
import { migrate } from '../../src/records/sql/migrations';
import { connectDeployment, type RedisClient } from '../../src/store/redis-connection';
import { loadConfig } from '../../src/config';
import { ALICE } from '../agent-api/agent-test-kit';
import { createPostgresDatabase, type TestDatabase } from '../support/postgres';
import { uniquePrefix } from '../support/redis';
import { sample, scrape } from '../support/scrape';
import { settleStream, startRecordsHotline, type RecordsHotline } from '../records/records-kit';
import { handoffRules } from '../../src/handoff/handoff-module';
import { HandoffRecords } from '../../src/handoff/record/handoff-records';
import { createRedisStore, type Store } from '../../src/stores';
import { connectTo, TOPOLOGY_TIMEOUT_MS } from './topology-kit';
import { steadyLoad, WebhookTally, wholeCall } from './webhook-load';

/** SPEC §5: after a failover the app serves whole calls again within this many seconds, with no restart. */
const SERVICE_BACK_WITHIN_S = 10;
/** Twilio's own limit: an answer later than this is an "application error" to the caller. */
const TWILIO_TIMEOUT_MS = 15_000;
/** Callers making whole calls at once while the master dies (the machine is small and shared). */
const CALLERS = 6;

/**
 * The master dies (SIGKILL) while callers make whole calls through signed webhooks. Every TwiML
 * webhook is answered 200 (an apology and a way forward allowed), whole calls work again within
 * 10 s, every caller queued and every claim acknowledged before the kill is still there after
 * it, and the sweeper and the records worker carry on by themselves. Prints the seconds until
 * service returned and the share of apologies.
 */
export function failoverUnderLoad(name: string, deployment: () => RedisTopology): void {
  describe(`the master dies under load (${name})`, () => {
    let database: TestDatabase;
    let client: RedisClient;
    let hotline: RecordsHotline;
    // What the test reads itself goes through a patient client of its own, not the app's fail-fast one.
    let inspector: RedisClient;
    let inspect: Store;
    let records: HandoffRecords;
    const positionOf = async (callSid: string) => {
      const record = await records.get(callSid);
      return record && records.position(record);
    };

    beforeAll(async () => {
      database = await createPostgresDatabase(`ha_${name}`);
      await migrate(database.db);
      const prefix = uniquePrefix(`failover-${name}`);
      // The app's own client with the production options, but 2 s a command instead of 0.8: the test
      // machine is shared and its load spikes (a dead master is refused at once whatever the timeout).
      client = await connectDeployment(loadConfig(deployment().env).redis!, { commandTimeout: 2000 });
      hotline = await startRecordsHotline(database, { redis: client, prefix });
      inspector = await connectTo(deployment());
      inspect = createRedisStore(inspector, prefix);
      records = new HandoffRecords(inspect.handoffs, handoffRules(hotline.config), hotline.clock);
    }, TOPOLOGY_TIMEOUT_MS);
    afterAll(async () => {
      await hotline.close();
      client.disconnect();
      inspector.disconnect();
      await database.drop();
    }, TOPOLOGY_TIMEOUT_MS);

    it('webhooks answer 200 TwiML throughout, whole calls work again within 10 s, nothing acknowledged is lost, the timers resume', async () => {
      const topology = deployment();
      // The queue's changes as agents' and supervisors' event streams hear them (pub/sub).
      const changed: string[] = [];
      const unsubscribe = await inspect.handoffs.onChange((change) => changed.push(change.callSid));
      // Acknowledged before the kill: callers waiting, one claimed by alice, alice available.
      const warmUp = new WebhookTally();
      const waiting: string[] = [];
      for (let i = 0; i < 4; i++) {
        const { call, normal } = await wholeCall(hotline, warmUp, { hangUp: false });
        expect(normal).toBe(true);
        waiting.push(call.callSid);
      }
      await hotline.available(ALICE);
      const claim = await hotline.claim(ALICE);
      expect(claim.statusCode).toBe(200);
      const claimed = (claim.json() as { callSid: string }).callSid;
      expect(waiting).toContain(claimed);
      const stillWaiting = waiting.filter((callSid) => callSid !== claimed);
      expect(warmUp.failures).toEqual([]);
      await waitFor('the changes to be published', async () => waiting.every((callSid) => changed.includes(callSid)));

      const tally = new WebhookTally();
      const load = steadyLoad(hotline, tally, CALLERS);
      await sleep(1500);
      const killedAt = Date.now();
      const killed = await topology.killMaster();
      const readiness = watchReadiness(hotline);

      // Whole new calls, one after another, until one works from the welcome to the queue.
      let backAfterS: number | undefined;
      const probeHangUps = [];
      while (backAfterS === undefined && Date.now() - killedAt < 30_000) {
        const probe = await wholeCall(hotline, tally);
        probeHangUps.push(probe.hungUp);
        if (probe.normal) backAfterS = (Date.now() - killedAt) / 1000;
        else await sleep(100);
      }
      await Promise.all(probeHangUps);
      await sleep(1000);
      const calls = await load.stop();
      const ready = await readiness;
      const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
      const outageShare = tally.apologyShare(killedAt, killedAt + (backAfterS ?? 30) * 1000);
      console.log(
        `[ha] ${name}: killed the master on port ${killed.port}; whole calls worked again after ${backAfterS?.toFixed(1) ?? 'more than 30'} s; ` +
          `${tally.total} TwiML webhooks (${calls} whole calls, ${CALLERS} callers at once): ${tally.apology} apologies ` +
          `(${percent(outageShare)} of the answers from the kill until whole calls worked again, ${percent(tally.apologyShare())} of all), ` +
          `${tally.failures.length} not 200 TwiML; slowest answer ${tally.slowestMs} ms; ${tally.statusRetries} status callbacks answered 503 and were sent again; ` +
          `/readyz 503 from ${ready.unreadyAfterS?.toFixed(1)} s to ${ready.readyAgainAfterS?.toFixed(1)} s`,
      );

      expect(tally.failures).toEqual([]);
      // While the master was gone the instance said so (503, hotline_store_up 0), and then that it was back.
      expect(ready.unreadyAfterS).toBeDefined();
      expect(ready.storeUpWhileUnready).toBe(0);
      expect(ready.readyAgainAfterS).toBeDefined();
      expect(sample(await scrape(hotline.app), 'hotline_store_up')).toBe(1);
      expect(tally.slowestMs).toBeLessThan(TWILIO_TIMEOUT_MS);
      expect(backAfterS).toBeDefined();
      expect(backAfterS!).toBeLessThanOrEqual(SERVICE_BACK_WITHIN_S);

      // Nothing acknowledged before the kill is lost.
      for (const callSid of stillWaiting) {
        expect(await records.get(callSid)).toMatchObject({ state: 'waiting', queue: 'tier1' });
        expect(await positionOf(callSid)).not.toBeNull();
      }
      expect(await records.get(claimed)).toMatchObject({ state: 'offered', agentId: 'alice' });
      expect(await inspect.handoffs.heldBy('alice')).toBe(claimed);
      expect(await inspect.availability.isAvailable('alice')).toBe(true);

      // The sweeper carries on by itself: alice never answered, so her claim's lease lapses and the caller is back in line.
      hotline.clock.advance(hotline.config.handoff.leaseSeconds * 1000 + 1000);
      await waitFor('the sweeper to put the lapsed claim back in line', async () => (await records.get(claimed))?.state === 'waiting');
      expect(await inspect.handoffs.heldBy('alice')).toBeNull();

      // The records worker carries on by itself: calls that ended after the failover reach the database.
      await settleStream(inspect.records, 20_000);
      const lastProbe = await wholeCall(hotline, tally);
      expect(lastProbe.normal).toBe(true);
      await lastProbe.hungUp;
      await settleStream(inspect.records, 20_000);
      expect(await hotline.callRecords.get(lastProbe.call.callSid)).toMatchObject({ callSid: lastProbe.call.callSid, outcome: 'abandoned' });
      // The event subscription came back by itself too.
      await waitFor('a change after the failover to be published', async () => changed.includes(lastProbe.call.callSid));
      unsubscribe();
      expect((await hotline.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    }, 120_000);
  });
}

/**
 * Polls /readyz (and the store gauge) from the kill: when it first answered 503, what
 * hotline_store_up said then, and when it answered 200 again (seconds after the kill).
 */
async function watchReadiness(hotline: RecordsHotline): Promise<{ unreadyAfterS?: number; storeUpWhileUnready?: number; readyAgainAfterS?: number }> {
  const started = Date.now();
  const seen: { unreadyAfterS?: number; storeUpWhileUnready?: number; readyAgainAfterS?: number } = {};
  while (Date.now() - started < 30_000) {
    const status = (await hotline.app.inject({ method: 'GET', url: '/readyz' })).statusCode;
    const after = (Date.now() - started) / 1000;
    if (status === 503 && seen.unreadyAfterS === undefined) {
      seen.unreadyAfterS = after;
      seen.storeUpWhileUnready = sample(await scrape(hotline.app), 'hotline_store_up');
    }
    if (status === 200 && seen.unreadyAfterS !== undefined) {
      seen.readyAgainAfterS = after;
      return seen;
    }
    await sleep(100);
  }
  return seen;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

import { Cluster } from 'ioredis';
import { QUEUE_SLOT, type RedisTopology } from '../../scripts/lib/redis-topology';
import { ask, controlConnection, type RedisProcess } from '../../scripts/lib/redis-process';
import { handoffKeys } from '../../src/handoff/record/handoff-keys';
import { HandoffRecords } from '../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../src/handoff/record/handoff-rules';
import type { RedisClient } from '../../src/store/redis-connection';
import { REPLICA_WAIT_MS } from '../../src/store/replica-wait';
import { createRedisStore, type Store } from '../../src/stores';
import { entry } from '../handoff/record/handoff-records.contract';
import { ManualClock } from '../support/manual-clock';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { sample, scrape } from '../support/scrape';
import { startTestHotline } from '../support/test-app';

/** The master holding the queue (`{queue}`): Sentinel's master, or the cluster master of its slot. */
async function queueMaster(topology: RedisTopology): Promise<RedisProcess> {
  if (topology.kind === 'cluster') return topology.masterOfSlot(QUEUE_SLOT);
  if (topology.kind === 'sentinel') return topology.master();
  return topology.server;
}

/** A key's fields as a replica holds them (a cluster replica answers reads only after READONLY). */
async function onReplica(replica: RedisProcess, key: string, cluster: boolean): Promise<string | null> {
  const redis = controlConnection(replica.port);
  try {
    await redis.connect();
    if (cluster) await redis.call('READONLY');
    return (await redis.call('HGET', key, 'r')) as string | null;
  } finally {
    redis.disconnect();
  }
}

/**
 * What a deployment adds to the contract suites: queue writes wait for a replica of the master
 * that took them (WAIT, bounded), scripts come back after a server forgot them, and /readyz
 * names the deployment and its state.
 */
export function deploymentChecks(name: string, deployment: () => { topology: RedisTopology; client: RedisClient }): void {
  describe(`the ${name} deployment`, () => {
    let prefix: string;
    let store: Store;
    let records: HandoffRecords;
    beforeEach(() => {
      prefix = uniquePrefix(`ha-${name}`);
      store = createRedisStore(deployment().client, prefix);
      records = new HandoffRecords(store.handoffs, DEFAULT_HANDOFF_RULES, new ManualClock());
    });
    afterEach(() => deletePrefix(deployment().client, prefix));

    it('a queue write is on a replica of the master that took it when it is acknowledged', async () => {
      const { topology, client } = deployment();
      const [replica] = await topology.replicasOf(await queueMaster(topology));
      expect(replica).toBeDefined();
      for (let i = 0; i < 5; i++) {
        const { record } = await records.enqueue(entry());
        const copy = await onReplica(replica!, handoffKeys(prefix).record(record.callSid), client instanceof Cluster);
        expect(JSON.parse(copy!)).toMatchObject({ callSid: record.callSid, state: 'waiting' });
      }
      expect(store.replicaShortfalls()).toBe(0);
    });

    it('with that replica stalled, the write stands after the bounded wait and the shortfall is counted', async () => {
      const { topology } = deployment();
      const [replica] = await topology.replicasOf(await queueMaster(topology));
      // Asks the master for its replicas once, while they answer.
      await records.enqueue(entry());
      replica!.pause();
      try {
        const started = Date.now();
        const { record } = await records.enqueue(entry());
        expect(Date.now() - started).toBeGreaterThanOrEqual(REPLICA_WAIT_MS - 10);
        expect(store.replicaShortfalls()).toBe(1);
        expect(await records.get(record.callSid)).toMatchObject({ state: 'waiting' });
      } finally {
        replica!.resume();
      }
      const hotline = await startTestHotline({ redis: deployment().client, prefix, deps: { store } });
      try {
        expect(sample(await scrape(hotline.app), `hotline_replica_wait_shortfalls_total{deployment="${name}"}`)).toBe(1);
      } finally {
        await hotline.close();
      }
    });

    it('scripts come back after the servers forgot them (NOSCRIPT, as after a failover or a restart)', async () => {
      const { topology } = deployment();
      const clock = new ManualClock();
      await records.enqueue(entry());
      expect(await store.sessions.save('CA-before', 'one', 0, 60)).toBe(true);
      const masters = topology.kind === 'cluster' ? await topology.masters() : [await queueMaster(topology)];
      for (const master of masters) expect(await ask(master.port, 'SCRIPT', 'FLUSH')).toBe('OK');
      const { record } = await records.enqueue(entry());
      expect(await records.get(record.callSid)).toMatchObject({ state: 'waiting' });
      expect(await store.sessions.save('CA-after', 'two', 0, 60)).toBe(true);
      expect(await store.limits.quotas.take('subject', [{ name: 'sms', limit: 2, windowMs: 60_000 }], clock.now())).toBeNull();
      expect(await store.values.addToSet('set', 'member', 60_000)).toBeUndefined();
    });

    it('/readyz names the deployment and its state', async () => {
      const { topology, client } = deployment();
      const hotline = await startTestHotline({ redis: client, prefix });
      try {
        const ready = await hotline.app.inject({ method: 'GET', url: '/readyz' });
        expect(ready.statusCode).toBe(200);
        if (topology.kind === 'cluster') {
          expect(ready.json()).toMatchObject({ status: 'ready', store: 'redis', deployment: 'cluster', redis: { state: 'ok', masters: 3, mastersUp: 3 } });
        } else {
          const master = await queueMaster(topology);
          expect(ready.json()).toMatchObject({ status: 'ready', store: 'redis', deployment: name, redis: { master: master.address, role: 'master', replicas: 1 } });
        }
      } finally {
        await hotline.close();
      }
    });
  });
}

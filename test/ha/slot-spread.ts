import { randomBytes } from 'node:crypto';
import { QUEUE_SLOT, slotOf, type RedisTopology } from '../../scripts/lib/redis-topology';
import { controlConnection, type RedisProcess } from '../../scripts/lib/redis-process';
import { HandoffRecords } from '../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../src/handoff/record/handoff-rules';
import type { RedisClient } from '../../src/store/redis-connection';
import { createRedisStore } from '../../src/stores';
import { entry } from '../handoff/record/handoff-records.contract';
import { ManualClock } from '../support/manual-clock';
import { deletePrefix, keysOnServer, uniquePrefix } from '../support/redis';

/** The keys under `prefix` that one server holds (SCAN on that server alone). */
async function keysOn(server: RedisProcess, prefix: string): Promise<string[]> {
  const redis = controlConnection(server.port);
  try {
    await redis.connect();
    return await keysOnServer(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/**
 * SPEC §5: on a cluster the calls' sessions (a hash tag per call) spread over every master, so
 * the cluster grows with the calls, while the queue (`{queue}`) stays on one slot, so one script
 * changes it atomically.
 */
export function sessionsSpread(deployment: () => { topology: RedisTopology; client: RedisClient }): void {
  describe('where the keys live on the cluster', () => {
    const prefix = uniquePrefix('ha-spread');
    afterAll(() => deletePrefix(deployment().client, prefix));

    it('sessions spread over every master; the queue, its records, indexes, figures and stream share one slot on one master', async () => {
      const { topology, client } = deployment();
      if (topology.kind !== 'cluster') throw new Error('a cluster check');
      const store = createRedisStore(client, prefix);
      const records = new HandoffRecords(store.handoffs, DEFAULT_HANDOFF_RULES, new ManualClock());
      for (let i = 0; i < 60; i++) expect(await store.sessions.save(`CA${randomBytes(16).toString('hex')}`, 'state', 0, 60)).toBe(true);
      const waiting = [];
      for (let i = 0; i < 4; i++) waiting.push((await records.enqueue(entry())).record.callSid);
      expect(await records.claim('alice', ['tier1'])).toMatchObject({ kind: 'claimed' });
      await store.handoffs.pushFigure('waits', 'tier1', '1:2');
      await store.records.append('{"kind":"call"}');

      const masters = await topology.masters();
      expect(masters).toHaveLength(3);
      const held = await Promise.all(masters.map((master) => keysOn(master, prefix)));
      const sessionsPerMaster = held.map((keys) => keys.filter((key) => key.includes('{call:')).length);
      expect(sessionsPerMaster.reduce((sum, count) => sum + count, 0)).toBe(60);
      expect(sessionsPerMaster.every((count) => count > 0)).toBe(true);

      const queueKeys = held.map((keys) => keys.filter((key) => key.includes('{queue}')));
      const holding = queueKeys.filter((keys) => keys.length > 0);
      expect(holding).toHaveLength(1);
      const [onOne] = holding;
      // Records, both indexes a claim leaves (tier1, leases, heartbeats), alice's key, the figures and the stream.
      expect(onOne!.length).toBeGreaterThanOrEqual(waiting.length + 6);
      expect(new Set(onOne!.map(slotOf))).toEqual(new Set([QUEUE_SLOT]));
      expect(masters[queueKeys.indexOf(onOne!)]).toBe(await topology.masterOfSlot(QUEUE_SLOT));
    });

    it('a claim sent in the same tick as other calls\' writes is answered, and so are they (one auto-pipeline per slot, whatever its number of keys)', async () => {
      const { client } = deployment();
      const store = createRedisStore(client, `${prefix}tick:`);
      const records = new HandoffRecords(store.handoffs, DEFAULT_HANDOFF_RULES, new ManualClock());
      // Other calls' session writes on every master, sent without pause while claims of a few sizes
      // (the queue's head and the candidates read behind it) are sent.
      let claiming = true;
      const saved: boolean[] = [];
      const traffic = (async () => {
        while (claiming) {
          const saves = Array.from({ length: 10 }, () => store.sessions.save(`CA${randomBytes(16).toString('hex')}`, 'state', 0, 60));
          saved.push(...(await Promise.all(saves)));
        }
      })();
      try {
        for (let round = 0; round < 6; round++) {
          for (let i = 0; i <= round; i++) await records.enqueue(entry());
          expect(await records.claim(`agent${round}`, ['tier1'])).toMatchObject({ kind: 'claimed' });
        }
      } finally {
        claiming = false;
        await traffic;
      }
      expect(saved.length).toBeGreaterThan(0);
      expect(saved.every(Boolean)).toBe(true);
    });
  });
}

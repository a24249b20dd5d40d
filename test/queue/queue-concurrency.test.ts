import type { Redis } from 'ioredis';
import { RedisHumanQueue } from '../../src/queue/redis-human-queue';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { caller } from './human-queue.contract';

/** Four connections stand for four app instances sharing one Redis. */
describe('RedisHumanQueue under concurrency', () => {
  const T0 = 1_700_000_000_000;
  let connections: Redis[];
  let queues: RedisHumanQueue[];
  let prefix: string;

  beforeEach(async () => {
    prefix = uniquePrefix('queue-concurrency');
    connections = await Promise.all([1, 2, 3, 4].map(() => testRedis()));
    queues = connections.map((redis) => new RedisHumanQueue(redis, prefix, { sweepBatch: 37 }));
  });
  afterEach(async () => {
    await deletePrefix(connections[0]!, prefix);
    await Promise.all(connections.map((redis) => redis.quit()));
  });

  const instance = (i: number) => queues[i % queues.length]!;

  it('gives every caller to exactly one of 20 claimers, while callers keep arriving', async () => {
    const first = Array.from({ length: 500 }, (_, i) =>
      caller(`CA-${i}`, { enqueuedAt: T0 + i, priority: i % 7 === 0 ? 'urgent' : 'normal' }),
    );
    await Promise.all(first.map((entry, i) => instance(i).enqueue(entry)));

    let arriving = true;
    const late = Array.from({ length: 200 }, (_, i) => caller(`CA-late-${i}`, { enqueuedAt: T0 + 1000 + i }));
    const arrivals = (async () => {
      for (const [i, entry] of late.entries()) {
        await instance(i).enqueue(entry);
        // A retried webhook during the rush must not hand the caller out twice.
        if (i % 10 === 0) await instance(i + 1).enqueue(entry);
      }
      arriving = false;
    })();

    const claimed: string[] = [];
    const claimers = Array.from({ length: 20 }, async (_, agent) => {
      for (;;) {
        const claim = await instance(agent).claim(['tier1'], `agent-${agent}`, T0 + 5000, 60_000);
        if (claim) claimed.push(claim.call.callSid);
        else if (!arriving) return;
        else await new Promise((resolve) => setImmediate(resolve));
      }
    });
    await Promise.all([arrivals, ...claimers]);
    // Claimers may stop between the last arrival and its claim: take what is left.
    for (let claim = await instance(0).claim(['tier1'], 'agent-last', T0 + 5000, 60_000); claim; ) {
      claimed.push(claim.call.callSid);
      claim = await instance(0).claim(['tier1'], 'agent-last', T0 + 5000, 60_000);
    }

    expect(claimed).toHaveLength(700);
    expect(new Set(claimed).size).toBe(700);
    expect(await instance(0).depth('tier1')).toBe(0);
    const owners = await Promise.all(claimed.map((callSid) => instance(1).owner(callSid)));
    expect(owners.every((owner) => owner !== null)).toBe(true);
  });

  it('requeues each expired lease exactly once when every instance sweeps at once', async () => {
    const entries = Array.from({ length: 300 }, (_, i) => caller(`CA-${i}`, { enqueuedAt: T0 + i }));
    await Promise.all(entries.map((entry, i) => instance(i).enqueue(entry)));
    const claims = await Promise.all(
      entries.map((_, i) => instance(i).claim(['tier1'], `agent-${i % 20}`, T0 + 1000, i < 200 ? 1000 : 60_000)),
    );
    const shortLeases = claims.filter((claim) => claim?.leaseExpiresAt === T0 + 2000).map((claim) => claim?.call.callSid);

    const sweeps = await Promise.all(
      Array.from({ length: 12 }, (_, i) => instance(i).sweepExpiredLeases(T0 + 2000)),
    );
    const requeued = sweeps.flat();
    expect(requeued).toHaveLength(200);
    expect(new Set(requeued)).toEqual(new Set(shortLeases));
    expect(await instance(0).depth('tier1')).toBe(200);
    expect(await instance(2).sweepExpiredLeases(T0 + 2000)).toEqual([]);
  });
});

import { randomBytes } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import { connectRedis, type RedisClient } from '../../src/store/redis-connection';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test file (or earlier run) uses, so tests never touch anyone else's keys. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomBytes(4).toString('hex')}:`;
}

export async function testRedis(): Promise<Redis> {
  return connectRedis(TEST_REDIS_URL, { commandTimeout: 5000 });
}

/** Every key under `prefix`: SCAN on each master (a cluster's keys are spread over its masters). */
export async function keysUnder(client: RedisClient, prefix: string): Promise<string[]> {
  const masters = client instanceof Cluster ? client.nodes('master') : [client];
  const found: string[] = [];
  for (const master of masters) {
    let cursor = '0';
    do {
      const [next, keys] = await master.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

/** Deletes only the keys under this test's own prefix (one key a command: a cluster refuses keys of several slots). */
export async function deletePrefix(client: RedisClient, prefix: string): Promise<void> {
  const keys = await keysUnder(client, prefix);
  if (client instanceof Cluster) await Promise.all(keys.map((key) => client.del(key)));
  else if (keys.length > 0) await client.del(...keys);
}

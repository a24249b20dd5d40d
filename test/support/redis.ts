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

/** The keys under `prefix` that one server holds (SCAN on that server alone). */
export async function keysOnServer(server: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await server.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** Every key under `prefix`: SCAN on each master (a cluster's keys are spread over its masters). */
async function keysUnder(client: RedisClient, prefix: string): Promise<string[]> {
  const masters = client instanceof Cluster ? client.nodes('master') : [client];
  return (await Promise.all(masters.map((master) => keysOnServer(master, prefix)))).flat();
}

/** Deletes only the keys under this test's own prefix (one key a command: a cluster refuses keys of several slots). */
export async function deletePrefix(client: RedisClient, prefix: string): Promise<void> {
  const keys = await keysUnder(client, prefix);
  if (client instanceof Cluster) await Promise.all(keys.map((key) => client.del(key)));
  else if (keys.length > 0) await client.del(...keys);
}

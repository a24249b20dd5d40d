import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/** Calls of each Redis command so far, summed over the servers a source asks (one server, or a Cluster's masters). */
export type CommandStatsSource = () => Promise<Map<string, number>>;

/** Calls of each command in the text of INFO commandstats. */
export function parseCommandStats(text: string): Map<string, number> {
  const stats = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match) stats.set(match[1]!, Number(match[2]));
  }
  return stats;
}

/** Calls of each Redis command since the server started, from INFO commandstats. */
export async function commandStats(redis: Redis): Promise<Map<string, number>> {
  return parseCommandStats(await redis.info('commandstats'));
}

/** The sum of several servers' command counts. */
export function addStats(all: Array<Map<string, number>>): Map<string, number> {
  const sum = new Map<string, number>();
  for (const stats of all) for (const [name, calls] of stats) sum.set(name, (sum.get(name) ?? 0) + calls);
  return sum;
}

export function statsDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [name, calls] of after) {
    const change = calls - (before.get(name) ?? 0);
    if (change > 0) delta.set(name, change);
  }
  return delta;
}

/** Redis commands of others (and our own INFO) over a quiet period, to subtract from a measurement. */
export async function idleCommandRate(commands: CommandStatsSource, ms: number): Promise<Map<string, number>> {
  const before = await commands();
  await sleep(ms);
  const delta = statsDelta(before, await commands());
  const perSecond = new Map<string, number>();
  for (const [name, calls] of delta) perSecond.set(name, (calls * 1000) / ms);
  return perSecond;
}

/** Deletes the bench's keys; the count deleted. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

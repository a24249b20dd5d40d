import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBenchDatabase } from '../bench/bench-database';
import { startFleet, type HotlineFleet } from '../lib/hotline-fleet';
import { startTopology, type RedisTopology } from '../lib/redis-topology';
import { writeSoakAgentsFile, type SoakAgent } from './soak-agents-file';
import type { SoakOptions } from './soak-options';

/**
 * LEASE_SECONDS as in production (the default): a claim whose call update never reached Twilio is
 * back in line after it. Shorter leases lapse under a loaded machine's slow webhooks before the agent's leg answers.
 */
export const SOAK_LEASE_SECONDS = 30;

/** Everything the soak runs against: the Redis deployment, the call records' database, the instances. */
export interface SoakDeployment {
  topology: RedisTopology;
  fleet: HotlineFleet;
  agents: SoakAgent[];
  authToken: string;
  stop(): Promise<void>;
}

/**
 * Starts the Redis deployment (private redis-server processes: one server, a Sentinel deployment
 * or a Cluster), a PostgreSQL database of the soak's own on `postgresUrl`'s server for the call
 * records (dropped afterwards), an agents file of simulated agents, and the instances, each in its
 * own process, open around the clock.
 */
export async function startSoakDeployment(options: SoakOptions, postgresUrl: string, log: (line: string) => void): Promise<SoakDeployment> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotline-soak-'));
  const cleanups: Array<() => Promise<void>> = [async () => rmSync(dir, { recursive: true, force: true })];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const cleanup of [...cleanups].reverse()) await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
    })());
  try {
    log(`starting the Redis deployment (${options.redis})…`);
    const topology = await startTopology(options.redis);
    cleanups.push(() => topology.stop());
    const database = await createBenchDatabase(postgresUrl, 'soak');
    cleanups.push(database.drop);
    const { file, agents } = writeSoakAgentsFile(dir, options.agents);
    const authToken = `soak-${randomBytes(8).toString('hex')}`;
    log(`starting ${options.instances} instances (${options.fromSource ? 'src/main.ts through tsx' : 'dist/src/main.js'})…`);
    const fleet = await startFleet({
      instances: options.instances,
      code: options.fromSource ? 'source' : 'built',
      maxSockets: 256,
      env: {
        ...topology.env,
        REDIS_KEY_PREFIX: 'soak:',
        DATABASE_URL: database.url,
        TWILIO_AUTH_TOKEN: authToken,
        AGENTS_FILE: file,
        BUSINESS_HOURS: 'mon-sun 00:00-24:00',
        // SOAK_APP_LOG=warn (or error, info…) keeps the instances' logs; the end of each is printed after the report.
        LOG_LEVEL: process.env.SOAK_APP_LOG ?? 'silent',
        LEASE_SECONDS: String(SOAK_LEASE_SECONDS),
      },
    });
    cleanups.push(() => fleet.stop());
    return { topology, fleet, agents, authToken, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { PromptCatalogue } from '../../src/prompts/prompt-catalogue';
import type { HotlineFleet } from '../lib/hotline-fleet';
import { QUEUE_SLOT, type RedisTopology } from '../lib/redis-topology';
import { TwilioCallDriver } from '../lib/twilio-call-driver';
import type { PostForm } from '../lib/twilio-form';
import type { SoakStats } from './soak-stats';

/** How long after a kill the probe keeps trying for a whole new call. */
const PROBE_LIMIT_MS = 120_000;
const PROBE_EVERY_MS = 250;
/** The window after a kill whose webhooks the report sums. */
export const AFTER_WINDOW_MS = 30_000;

/** What happened at one kill. Times in ms since the run started. */
export interface Disruption {
  what: string;
  at: number;
  /** When a whole new call first went through after the kill; undefined when none did within two minutes. */
  returnedAt?: number;
  /** Requests the balancer sent to another instance in the 30 s after the kill (their instance was gone). */
  redispatched: number;
  /** Anything else worth saying (the new master). */
  note?: string;
}

export interface ProbeDeps {
  post: PostForm;
  publicBaseUrl: string;
  authToken: string;
  catalogue: PromptCatalogue;
}

/**
 * "Serving again" means a whole new call works, not only the welcome (SPEC §5): dial, the main
 * menu; 3, the tech-support menu; #, the main menu again; hang up, 204.
 */
async function wholeCallWorks(deps: ProbeDeps): Promise<boolean> {
  const text = (key: string) =>
    deps.catalogue
      .speak('zh-CN', key)
      .map((segment) => segment.text)
      .join('');
  const driver = new TwilioCallDriver(deps.post, { baseUrl: deps.publicBaseUrl, authToken: deps.authToken, from: `+86138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` });
  try {
    await driver.dial();
    if (driver.heard.at(-1) !== text('main.menu')) return false;
    await driver.press('3');
    if (driver.heard.at(-1) !== text('techSupport.menu')) return false;
    await driver.press('#');
    if (driver.heard.at(-1) !== text('main.menu')) return false;
    return (await driver.hangUp(5)) === 204;
  } catch {
    return false;
  }
}

/** Kills something at `atMs` into the run, then places probe calls until a whole new call works. */
async function disrupt(atMs: number, stats: SoakStats, fleet: HotlineFleet, probe: ProbeDeps, kill: () => Promise<{ what: string; after?: () => Promise<string> }>): Promise<Disruption> {
  await sleep(Math.max(0, atMs - stats.now()));
  const at = stats.now();
  const redispatchedBefore = fleet.balancer.redispatched;
  const killed = await kill();
  const disruption: Disruption = { what: killed.what, at, redispatched: 0 };
  const counted = sleep(AFTER_WINDOW_MS).then(() => {
    disruption.redispatched = fleet.balancer.redispatched - redispatchedBefore;
  });
  while (stats.now() - at < PROBE_LIMIT_MS) {
    if (await wholeCallWorks(probe)) {
      disruption.returnedAt = stats.now();
      break;
    }
    await sleep(PROBE_EVERY_MS);
  }
  if (killed.after) disruption.note = await killed.after().catch((error: unknown) => `after the kill: ${String(error)}`);
  await counted;
  return disruption;
}

/** SIGKILL of the last instance: the balancer finds out by its connections failing, as a load balancer would. */
export function killInstanceAt(atMs: number, stats: SoakStats, fleet: HotlineFleet, probe: ProbeDeps): Promise<Disruption> {
  const victim = fleet.processes.length - 1;
  return disrupt(atMs, stats, fleet, probe, async () => {
    await fleet.kill(victim);
    return { what: `SIGKILL of instance ${victim + 1} of ${fleet.processes.length} (pid ${fleet.processes[victim]!.pid})` };
  });
}

/**
 * SIGKILL of the Redis master (on a Cluster, of the queue's slot). Once a whole call works again,
 * the new master is awaited and the old one started again (it rejoins as a replica, so the queue's
 * writes find a replica to wait for again).
 */
export function failoverAt(atMs: number, stats: SoakStats, fleet: HotlineFleet, topology: RedisTopology, probe: ProbeDeps): Promise<Disruption> {
  return disrupt(atMs, stats, fleet, probe, async () => {
    if (topology.kind === 'single') throw new Error('a failover needs --redis sentinel or cluster');
    const old = await topology.killMaster();
    return {
      what: `SIGKILL of the Redis ${topology.kind === 'cluster' ? `master of the queue's slot (${QUEUE_SLOT})` : 'master'} on port ${old.port}`,
      after: async () => {
        const promoted = topology.kind === 'cluster' ? await topology.waitForNewMaster(old, QUEUE_SLOT) : await topology.waitForNewMaster(old);
        await old.restart();
        return `new master on port ${promoted.port}; the old one restarted as its replica`;
      },
    };
  });
}

/**
 * `npm run soak -- [--instances 3] [--calls 10000] [--minutes 5] [--redis single|sentinel|cluster]
 * [--kill-instance-at 120] [--failover-at 180]` (see scripts/soak/soak-options.ts for all options):
 * a Redis deployment of its own (private redis-server processes), the call records in a database
 * of its own on SOAK_POSTGRES_URL's server (default the local PostgreSQL), N instances of the built
 * server behind a round-robin balancer, and that many simulated calls in progress at once — signed
 * webhooks through the real menus, a turn every few seconds, some waiting for an agent and served
 * by simulated agents through the agent API. Prints calls completed, webhooks that were not 200
 * TwiML, latency per minute, Redis memory per active call and what happened at each kill.
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PromptCatalogue } from '../src/prompts/prompt-catalogue';
import { processCpuSeconds, ownCpuSeconds } from './bench/cpu-time';
import { DEFAULT_BENCH_POSTGRES_URL } from './bench/bench-database';
import { AgentClient } from './lib/agent-client';
import { FLEET_PUBLIC_URL } from './lib/hotline-fleet';
import { AgentDesk } from './soak/agent-desk';
import { ApologyDetector } from './soak/apology-detector';
import { countedPoster } from './soak/counted-poster';
import { failoverAt, killInstanceAt, type Disruption } from './soak/disruptions';
import { usedMemory, type MemorySample } from './soak/redis-memory';
import { SoakCaller } from './soak/soak-caller';
import { SOAK_LEASE_SECONDS, startSoakDeployment } from './soak/soak-deployment';
import { readSoakOptions } from './soak/soak-options';
import { printSoakResult, soakResult } from './soak/soak-report';
import { SoakStats } from './soak/soak-stats';

/** How long the calls in progress may take to finish after the last one started. */
const DRAIN_LIMIT_MS = 180_000;
const MEMORY_EVERY_MS = 5_000;
const PROGRESS_EVERY_MS = 30_000;

const loadAverage = () => os.loadavg().map((load) => Math.round(load * 100) / 100);

async function main(): Promise<void> {
  const options = readSoakOptions();
  if (!options) return;
  if (options.failoverAt !== undefined && options.redis === 'single') {
    console.error('--failover-at needs --redis sentinel or cluster: a single server has nothing to fail over to');
    process.exitCode = 2;
    return;
  }
  const log = (line: string) => console.log(line);
  const machine = { cpu: os.cpus()[0]?.model.trim() ?? 'unknown', cores: os.cpus().length, node: process.version, loadAverageAtStart: loadAverage(), loadAverageAtEnd: [] as number[] };
  const catalogue = PromptCatalogue.load(path.join(__dirname, '..', 'prompts'));
  const deployment = await startSoakDeployment(options, process.env.SOAK_POSTGRES_URL ?? DEFAULT_BENCH_POSTGRES_URL, log);
  // Interrupted (Ctrl-C, a test's timeout): the instances and redis-servers are stopped, not left behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: stopping the deployment`);
      void deployment.stop().finally(() => process.exit(130));
    });
  }
  const { fleet, topology } = deployment;
  try {
    const baselineBytes = await usedMemory(topology);
    // The load generator's own lag is part of every latency it measures: reported beside them.
    const generatorLag = monitorEventLoopDelay({ resolution: 20 });
    generatorLag.enable();
    const stats = new SoakStats();
    const cpuAtStart = { instances: fleet.processes.map((process) => processCpuSeconds(process.pid)), own: ownCpuSeconds() };
    const desk = new AgentDesk(fleet.balancer, FLEET_PUBLIC_URL, stats, { leaseMs: SOAK_LEASE_SECONDS * 1000, wrapUpMs: 500 });
    const agents = deployment.agents.map((agent) => desk.serve(new AgentClient(fleet.balancer, FLEET_PUBLIC_URL, agent.id, agent.token)));
    const post = countedPoster(fleet.balancer, stats, new ApologyDetector(catalogue));
    const callerDeps = { post, publicBaseUrl: FLEET_PUBLIC_URL, authToken: deployment.authToken, stats, desk, catalogue, turnSeconds: options.turnSeconds, agentShare: options.agentShare };
    const stopStartingAt = options.minutes * 60_000;
    log(`running: ${options.calls} calls at once for ${options.minutes} min over ${options.instances} instances, ${options.agents} agents`);

    const probe = { post: fleet.balancer.post, publicBaseUrl: FLEET_PUBLIC_URL, authToken: deployment.authToken, catalogue };
    const disruptions: Array<Promise<Disruption>> = [];
    if (options.killInstanceAt !== undefined) disruptions.push(killInstanceAt(options.killInstanceAt * 1000, stats, fleet, probe));
    if (options.failoverAt !== undefined) disruptions.push(failoverAt(options.failoverAt * 1000, stats, fleet, topology, probe));

    const samples: MemorySample[] = [];
    const memoryTimer = setInterval(() => {
      const reading = { at: stats.now(), activeCalls: stats.active, callsStarted: stats.callsStarted };
      void usedMemory(topology).then((usedBytes) => usedBytes !== undefined && samples.push({ ...reading, usedBytes }));
    }, MEMORY_EVERY_MS);
    const progressTimer = setInterval(() => {
      log(
        `  ${Math.round(stats.now() / 1000)} s: ${stats.active} calls in progress, ${stats.callsCompleted} completed, ` +
          `${Object.values(stats.failures).reduce((sum, n) => sum + n, 0)} failed, ${stats.webhooks} webhooks (${stats.not200} not 200), load ${loadAverage()[0]}`,
      );
    }, PROGRESS_EVERY_MS);

    const lines = Array.from({ length: options.calls }, (_, line) => new SoakCaller(callerDeps, line).run(stopStartingAt));
    const drained = await Promise.race([Promise.all(lines).then(() => true), sleep(stopStartingAt + DRAIN_LIMIT_MS).then(() => false)]);
    const seconds = Math.round(stats.now() / 100) / 10;
    const unfinished = drained ? 0 : stats.active;
    const cpuPercent = {
      instances: fleet.processes.map((process, i) => {
        const percent = Math.round(((processCpuSeconds(process.pid) - cpuAtStart.instances[i]!) / seconds) * 100);
        return Number.isFinite(percent) ? percent : null;
      }),
      loadGenerator: Math.round(((ownCpuSeconds() - cpuAtStart.own) / seconds) * 100),
    };
    generatorLag.disable();
    const generatorLagMs = { p50: Math.round(generatorLag.percentile(50) / 1e6), p99: Math.round(generatorLag.percentile(99) / 1e6), max: Math.round(generatorLag.max / 1e6) };
    clearInterval(memoryTimer);
    clearInterval(progressTimer);
    desk.stop();
    await Promise.race([Promise.all(agents), sleep(5000)]);
    const disrupted = await Promise.all(disruptions);
    machine.loadAverageAtEnd = loadAverage();
    const result = soakResult({ options, machine, stats, seconds, unfinished, baselineBytes, samples, cpuPercent, generatorLagMs, disruptions: disrupted });
    printSoakResult(result, log);
    if (process.env.SOAK_APP_LOG) for (const [i, instance] of fleet.processes.entries()) log(`--- instance ${i + 1}, the end of its log:\n${instance.output()}`);
    if (result.calls.completed < result.calls.started || result.webhooks.not200 > 0) process.exitCode = 1;
  } finally {
    await deployment.stop();
  }
}

main().then(
  // Unfinished calls may still hold timers: the report is out, the deployment stopped.
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

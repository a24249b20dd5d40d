/**
 * The model-based chaos run of the hand-off (test/handoff/chaos.test.ts runs the same with fewer
 * runs): `npm run chaos -- --runs 200 [--seed 42] [--path "3:1:0"] [--verbose] [--no-shrink]`. Needs Redis at
 * TEST_REDIS_URL (default 127.0.0.1:6379); every run uses its own key prefix and deletes it.
 */
import fc from 'fast-check';
import { scenarioArb } from '../test/support/chaos/chaos-commands';
import { runChaos, type RunStats } from '../test/support/chaos/chaos-run';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const runs = Number(option('runs') ?? 100);
  const seed = Number(option('seed') ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0);
  const path = option('path');
  const verbose = process.argv.includes('--verbose');
  console.log(`chaos: ${runs} runs, seed ${seed}${path ? `, path ${path}` : ''} (reproduce: npm run chaos -- --runs ${runs} --seed ${seed})`);
  const started = Date.now();
  const totals = { commands: 0, callers: 0, claims: 0, connected: 0, wrapUps: 0, endReasons: {} as Record<string, number>, answers: {} as Record<string, number> };
  const add = (stats: RunStats) => {
    for (const key of ['commands', 'callers', 'claims', 'connected', 'wrapUps'] as const) totals[key] += stats[key];
    for (const [reason, count] of Object.entries(stats.endReasons)) totals.endReasons[reason] = (totals.endReasons[reason] ?? 0) + count;
    for (const [answer, count] of Object.entries(stats.answers)) totals.answers[answer] = (totals.answers[answer] ?? 0) + count;
  };
  const result = await fc.check(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      add(await runChaos(scenario, { verbose, log: (line) => console.log(line) }));
    }),
    { seed, numRuns: runs, endOnFailure: process.argv.includes('--no-shrink'), ...(path ? { path } : {}) },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.failed) {
    console.error(fc.defaultReportMessage(result));
    console.error(`\n${String((result.errorInstance as Error | undefined)?.stack ?? result.errorInstance)}`);
    console.error(`\nchaos FAILED after ${seconds} s. Reproduce: npm run chaos -- --runs ${runs} --seed ${result.seed} --path "${result.counterexamplePath}" --verbose`);
    process.exit(1);
  }
  console.log(`chaos passed: ${result.numRuns} runs in ${seconds} s; ${JSON.stringify(totals)}`);
  process.exit(0);
}

void main();

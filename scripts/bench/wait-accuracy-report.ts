/**
 * The figures of the wait-accuracy bench (wait-accuracy.ts): per simulated day and stretch, and
 * over several days the median and the worst of each — a goal holds on the worst day or not at all.
 */
import { percentile, round } from './figures';
import type { LimitsOfDay } from './wait-accuracy-limits';
import type { Machine } from './machine-info';

/** One stretch of one simulated day. */
export interface Figures {
  callers: number;
  answeredLive: number;
  abandoned: number;
  toldNoNumber: number;
  medianRealWaitMin: number;
  firstAnnouncement: { medianError: number; p90Error: number; lateOverOneMinute: number };
  everyAnnouncement: { medianError: number; p90Error: number };
  largestToldMin: number;
  old: { medianError: number; p90Error: number; lateOverOneMinute: number; largestToldMin: number };
  rules: Record<string, number>;
}

export interface Day {
  seed: number;
  nightCallbackRequests: number;
  results: Array<{ name: string } & Figures>;
  /** With `--limits`, per stretch. */
  limits?: LimitsOfDay;
  simulatedInMs: number;
}

/** A figure over the days: its median and its worst (the largest: every figure here is better smaller). */
export interface Spread {
  median: number;
  worst: number;
}

export interface StretchSummary {
  name: string;
  p50Error: Spread;
  p90Error: Spread;
  /** Over every announcement, against the wait left at that moment (the goal is on the first). */
  everyP90Error: Spread;
  lateOverOneMinute: Spread;
  largestToldMin: Spread;
  old: { p90Error: Spread; lateOverOneMinute: Spread; largestToldMin: Spread };
}

function spread(values: number[]): Spread {
  const known = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return { median: round(percentile(known, 50), 3), worst: known.length ? known[known.length - 1]! : NaN };
}

export function summarise(days: Day[]): StretchSummary[] {
  return days[0]!.results.map(({ name }, i) => {
    const of = (pick: (f: Figures) => number) => spread(days.map((day) => pick(day.results[i]!)));
    return {
      name,
      p50Error: of((f) => f.firstAnnouncement.medianError),
      p90Error: of((f) => f.firstAnnouncement.p90Error),
      everyP90Error: of((f) => f.everyAnnouncement.p90Error),
      lateOverOneMinute: of((f) => f.firstAnnouncement.lateOverOneMinute),
      largestToldMin: of((f) => f.largestToldMin),
      old: { p90Error: of((f) => f.old.p90Error), lateOverOneMinute: of((f) => f.old.lateOverOneMinute), largestToldMin: of((f) => f.old.largestToldMin) },
    };
  });
}

/** The issue's two goals, on the worst day and on the median day. */
export function goalsOf(summary: StretchSummary[], days: Day[]) {
  const steady = summary.find((s) => s.name.startsWith('steady'))!;
  const morning = summary.find((s) => s.name.startsWith('morning'))!;
  const steadyP90s = days.map((day) => day.results.find((r) => r.name === steady.name)!.firstAnnouncement.p90Error);
  return {
    steadyP90WithinHalf: { worstDay: steady.p90Error.worst <= 0.5, medianDay: steady.p90Error.median <= 0.5, days: steadyP90s.filter((p90) => p90 <= 0.5).length },
    morningLargestUnder60Min: { worstDay: morning.largestToldMin.worst <= 60 },
  };
}

const pct = (x: number) => (Number.isNaN(x) ? '—' : `${Math.round(x * 100)} %`);

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
}

function printDay(day: Day): void {
  console.log(`seed ${day.seed}: ${day.nightCallbackRequests} callback requests overnight, simulated in ${day.simulatedInMs} ms`);
  const header = ['stretch', 'answered', 'no number', 'real p50', 'p50 err', 'p90 err', 'late >1min', 'every p90', 'largest', 'old p50', 'old p90', 'old late', 'old largest'];
  table(
    header,
    day.results.map((r) => [
      r.name,
      String(r.answeredLive),
      String(r.toldNoNumber),
      `${r.medianRealWaitMin} min`,
      pct(r.firstAnnouncement.medianError),
      pct(r.firstAnnouncement.p90Error),
      pct(r.firstAnnouncement.lateOverOneMinute),
      pct(r.everyAnnouncement.p90Error),
      `${r.largestToldMin} min`,
      pct(r.old.medianError),
      pct(r.old.p90Error),
      pct(r.old.lateOverOneMinute),
      `${r.old.largestToldMin} min`,
    ]),
  );
  const whole = day.results.find((r) => r.name.startsWith('whole'))!;
  console.log(`memory rules over the day: ${Object.entries(whole.rules).map(([rule, n]) => `${rule} ${n}`).join(', ')}\n`);
}

export function printReport(report: { seeds: number[]; days: Day[]; summary: StretchSummary[]; goals: ReturnType<typeof goalsOf>; machine: Machine; seconds: number }): void {
  console.log('relative error |told − real| / max(real, 60 s) of the first announcement; old = the previous model (scripts/bench/previous-wait-model.ts)\n');
  for (const day of report.days) printDay(day);
  if (report.days.length > 1) {
    console.log(`over ${report.days.length} days (seeds ${report.seeds.join(', ')}): median / worst day`);
    const both = (s: Spread, show: (x: number) => string) => `${show(s.median)} / ${show(s.worst)}`;
    const minutes = (x: number) => `${x} min`;
    table(
      ['stretch', 'p50 err', 'p90 err', 'late >1min', 'largest', 'every p90', 'old p90 err', 'old late', 'old largest'],
      report.summary.map((s) => [
        s.name,
        both(s.p50Error, pct),
        both(s.p90Error, pct),
        both(s.lateOverOneMinute, pct),
        both(s.largestToldMin, minutes),
        both(s.everyP90Error, pct),
        both(s.old.p90Error, pct),
        both(s.old.lateOverOneMinute, pct),
        both(s.old.largestToldMin, minutes),
      ]),
    );
    console.log('');
  }
  if (report.days[0]!.limits) printLimits(report.days);
  const { steadyP90WithinHalf, morningLargestUnder60Min } = report.goals;
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  console.log(
    `goals: steady p90 ≤ 50 % ${verdict(steadyP90WithinHalf.worstDay)} on the worst day, ${verdict(steadyP90WithinHalf.medianDay)} on the median day ` +
      `(${steadyP90WithinHalf.days} of ${report.days.length} days); ` +
      `morning largest ≤ 60 min ${verdict(morningLargestUnder60Min.worstDay)} on the worst day`,
  );
  const m = report.machine;
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}, load ${m.loadAverageAtStart}; ${report.seconds} s`);
}

/** `--limits` (wait-accuracy-limits.ts): per stretch over the days, median / worst day and the days within 50 %. */
function printLimits(days: Day[]): void {
  console.log('limits: real waits under the model\'s replayed 1st/10th/50th/90th/99th percentiles (all days); p90 error (median / worst day, days ≤ 50 %) of');
  console.log('the model told when each conversation ends, of a model that knew the simulator\'s rules but not its draws, and of the same if the waits were its own draws;');
  console.log('ceiling: the share of callers within 50 % that no estimate knowing those rules can exceed on average (median / lowest day, days ≥ 90 %; the p90 goal needs 90 %)');
  const names = Object.keys(days[0]!.limits!);
  const p90s = (name: string, pick: (l: LimitsOfDay[string]) => number) => {
    const values = days.map((day) => pick(day.limits![name]!));
    const { median, worst } = spread(values);
    return `${pct(median)} / ${pct(worst)}, ${values.filter((v) => v <= 0.5).length}`;
  };
  table(
    ['stretch', 'callers', 'under model percentiles', 'knew the ends', 'knew the rules', 'its own draws', 'ceiling'],
    names.map((name) => {
      const of = days.map((day) => day.limits![name]!);
      const callers = of.reduce((sum, l) => sum + l.callers, 0);
      const under = of[0]!.belowPercentiles.map((_, i) => of.reduce((sum, l) => sum + l.belowPercentiles[i]! * l.callers, 0) / Math.max(1, callers));
      const ceilings = of.map((l) => l.withinHalfCeiling).sort((a, b) => a - b);
      const ceiling = `${pct(percentile(ceilings, 50))} / ${pct(ceilings[0]!)}, ${ceilings.filter((share) => share >= 0.9).length}`;
      return [name, String(callers), under.map((x) => Math.round(x * 100)).join('/') + ' %', p90s(name, (l) => l.knewEndsP90), p90s(name, (l) => l.knewRulesP90), p90s(name, (l) => l.ownDrawsP90), ceiling];
    }),
  );
  console.log('');
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml, stringify as toYaml } from 'yaml';

/** The operations kit (ops/) as files, and promtool, for the tests of test/ops/. */
export const ROOT = path.join(__dirname, '../..');
export const OPS = path.join(ROOT, 'ops');
export const RULES_FILE = path.join(OPS, 'prometheus/hotline-alerts.yml');
export const RULES_TEST_FILE = path.join(OPS, 'prometheus/hotline-alerts.test.yml');
export const DASHBOARD_FILE = path.join(OPS, 'grafana/dashboards/hotline.json');

export const readYaml = (file: string): unknown => parseYaml(readFileSync(file, 'utf8'), { merge: true });

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRules(file = RULES_FILE): AlertRule[] {
  const { groups } = readYaml(file) as { groups: Array<{ rules: AlertRule[] }> };
  return groups.flatMap((group) => group.rules);
}

export interface PromtoolRun {
  status: number;
  output: string;
}

/**
 * Runs Debian's promtool. Missing, it fails the test with how to get it: the rules are never left
 * unchecked silently (.ci/run installs the `prometheus` package when promtool is absent).
 */
export function promtool(...args: string[]): PromtoolRun {
  const run = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
  if (run.error) {
    throw new Error(
      `promtool could not run (${run.error.message}): install Debian's \`prometheus\` package ` +
        '(apt-get install prometheus; .ci/run does it) — the alerting rules are not checked without it',
    );
  }
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

/** Writes files into a fresh temporary folder, runs `use` on it, and removes it. */
export function withTempFiles<T>(files: Record<string, string>, use: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotline-ops-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Prometheus rule file with one recording rule per expression, so promtool checks their syntax. */
export function recordingRulesFile(expressions: string[]): string {
  return toYaml({ groups: [{ name: 'expressions', rules: expressions.map((expr, i) => ({ record: `checked_expression_${i}`, expr })) }] });
}

export interface DashboardPanel {
  title?: string;
  type: string;
  datasource?: { type: string; uid: string };
  panels?: DashboardPanel[];
  targets?: Array<{ expr?: string; rawSql?: string; format?: string }>;
}

/** The data source type of the dashboard's call-record panels (Grafana 11's built-in PostgreSQL). */
export const POSTGRES_DATASOURCE = 'grafana-postgresql-datasource';

/** Every panel of the dashboard, rows' nested panels too. */
export function dashboardPanels(dashboard: { panels: DashboardPanel[] }): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

export interface DashboardQuery {
  panel: string;
  expr: string;
}

/** Values for Grafana's own variables, so a panel's query reads as the PromQL Grafana sends. */
const GRAFANA_VARIABLES: Record<string, string> = { __rate_interval: '1m', __interval: '1m', __range: '6h' };

/** Every PromQL query of the dashboard (rows' nested panels too), Grafana's variables replaced. */
export function dashboardQueries(dashboard: { panels: DashboardPanel[] }): DashboardQuery[] {
  const panels = dashboardPanels(dashboard).filter((panel) => panel.datasource?.type !== POSTGRES_DATASOURCE);
  return panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => {
      const expr = (target.expr ?? '').replace(/\$\{?(\w+)\}?/g, (whole, name: string) => GRAFANA_VARIABLES[name] ?? whole);
      if (expr.includes('$')) throw new Error(`panel "${panel.title}" uses a variable this test does not know: ${expr}`);
      return { panel: panel.title ?? panel.type, expr };
    }),
  );
}

/** The metric names a PromQL expression selects (parsed, not pattern-matched); throws on a syntax error. */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  let error: number | undefined;
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) error = node.from;
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      if (identifier) names.add(expr.slice(identifier.from, identifier.to));
    },
  });
  if (error !== undefined) throw new Error(`PromQL does not parse at ${error}: ${expr}`);
  return [...names];
}

/**
 * The series names a /metrics text can hold, from its `# TYPE` lines: a histogram `x` is scraped
 * as `x_bucket`, `x_sum` and `x_count`, a summary as `x`, `x_sum`, `x_count`. Known from the types,
 * not from samples, so a labelled metric nothing has counted yet is still there.
 */
export function exportedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
    for (const suffix of suffixes) names.add(name + suffix);
  }
  return names;
}

/** What Grafana puts in for its SQL macros and the dashboard's variables, for one time range. */
export interface SqlQueryContext {
  from: Date;
  to: Date;
  /** Dashboard variables by name (`${name:sqlstring}` is the value quoted as an SQL string). */
  variables: Record<string, string>;
}

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * A panel's SQL as Grafana's PostgreSQL data source sends it: `$__timeFrom()` and `$__timeTo()`
 * expanded as Grafana does (quoted RFC 3339 instants), and `${name:sqlstring}` variables quoted. Anything else starting with `$` is refused, so a macro
 * this kit does not know fails the test instead of reaching the database half-replaced.
 */
export function grafanaSql(rawSql: string, context: SqlQueryContext): string {
  const instant = (date: Date) => `'${date.toISOString().replace(/\.\d{3}Z$/, 'Z')}'`;
  const sql = rawSql
    .replace(/\$__timeFrom\(\)/g, instant(context.from))
    .replace(/\$__timeTo\(\)/g, instant(context.to))
    .replace(/\$\{(\w+):sqlstring\}/g, (whole, name: string) => (name in context.variables ? sqlString(context.variables[name]!) : whole));
  if (sql.includes('$')) throw new Error(`a macro or variable this kit does not expand: ${sql}`);
  return sql;
}

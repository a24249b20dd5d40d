import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scrape } from '../support/scrape';
import { startTestHotline, type TestHotline } from '../support/test-app';
import {
  alertRules,
  DASHBOARD_FILE,
  type DashboardPanel,
  dashboardQueries,
  exportedSeriesNames,
  metricNames,
  POSTGRES_DATASOURCE,
  promtool,
  recordingRulesFile,
  withTempFiles,
} from './ops-kit';

/** Series Prometheus makes itself for every scrape target, which no /metrics exports. */
const MADE_BY_PROMETHEUS = new Set(['up']);

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
const queries = [
  ...alertRules().map((rule) => ({ from: `alert ${rule.alert}`, expr: rule.expr })),
  ...dashboardQueries(dashboard).map((query) => ({ from: `panel "${query.panel}"`, expr: query.expr })),
];

describe('every metric the alerts and the dashboard use is one the app exports', () => {
  let hotline: TestHotline;
  let exported: Set<string>;
  beforeAll(async () => {
    hotline = await startTestHotline();
    exported = exportedSeriesNames(await scrape(hotline.app));
  });
  afterAll(() => hotline.close());

  const unknown = (expr: string) => metricNames(expr).filter((name) => !exported.has(name) && !MADE_BY_PROMETHEUS.has(name));

  it('reads the exported names from the scrape: counters, gauges, histogram series, and Node defaults', () => {
    for (const name of [
      'hotline_calls_total',
      'hotline_store_up',
      'hotline_queue_longest_wait_seconds',
      'hotline_webhook_duration_seconds_bucket',
      'hotline_queue_wait_seconds_count',
      'process_resident_memory_bytes',
    ]) {
      expect(exported).toContain(name);
    }
    expect(exported).not.toContain('hotline_webhook_duration_seconds');
  });

  it('finds a renamed or misspelt metric (the check can fail)', () => {
    expect(unknown('sum by (queue) (rate(hotline_queue_abandon_total{queue="tier1"}[5m])) / up')).toEqual(['hotline_queue_abandon_total']);
    expect(unknown('histogram_quantile(0.99, sum by (le) (rate(hotline_webhook_duration_seconds[5m])))')).toEqual(['hotline_webhook_duration_seconds']);
    expect(() => metricNames('sum(rate(hotline_calls_total[5m])')).toThrow(/does not parse/);
  });

  it.each(queries)('$from', ({ expr }) => {
    expect(metricNames(expr).length).toBeGreaterThan(0);
    expect(unknown(expr)).toEqual([]);
  });
});

describe('the Grafana dashboard (ops/grafana/dashboards/hotline.json)', () => {
  const used = new Set(dashboardQueries(dashboard).flatMap((query) => metricNames(query.expr)));

  it('shows queue depth and waits, containment, webhook latency, claims, abandonment, security events and Redis', () => {
    for (const name of [
      'hotline_queue_depth',
      'hotline_queue_longest_wait_seconds',
      'hotline_queue_wait_seconds_bucket',
      'hotline_calls_ended_total',
      'hotline_webhook_duration_seconds_bucket',
      'hotline_agent_claims_total',
      'hotline_queue_abandoned_total',
      'hotline_security_events_total',
      'hotline_store_up',
    ]) {
      expect(used).toContain(name);
    }
  });

  it('queries in PromQL that Prometheus itself accepts (promtool)', () => {
    const run = withTempFiles({ 'dashboard.yml': recordingRulesFile(dashboardQueries(dashboard).map((query) => query.expr)) }, (dir) =>
      promtool('check', 'rules', path.join(dir, 'dashboard.yml')),
    );
    expect(run.output).toContain(`SUCCESS: ${dashboardQueries(dashboard).length} rules found`);
    expect(run.status).toBe(0);
  });

  it('is provisionable: a stable uid, no fixed id, its data source a variable, and a row kept for the call records', () => {
    expect(dashboard).toMatchObject({ uid: 'hotline-overview', id: null });
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    const withQueries = dashboard.panels.filter((panel: DashboardPanel) => panel.targets && panel.datasource?.type !== POSTGRES_DATASOURCE);
    expect(withQueries.length).toBeGreaterThan(10);
    for (const panel of withQueries) expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    const ids = dashboard.panels.map((panel: { id: number }) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const rows = dashboard.panels.filter((panel: { type: string }) => panel.type === 'row').map((panel: { title: string }) => panel.title);
    expect(rows).toContain('Call records (PostgreSQL)');
  });
});

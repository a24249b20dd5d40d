import { readFileSync } from 'node:fs';
import path from 'node:path';
import { localDate } from '../../src/hours/business-hours';
import { dailyReport, type DailyReport } from '../../src/records/daily-report';
import { migrate } from '../../src/records/sql/migrations';
import { callFactOf, handoffFactOf, sid } from '../records/record-facts';
import { CallRecordsDb } from '../../src/records/call-records-db';
import { createPostgresDatabase, type TestDatabase } from '../support/postgres';
import { composeFile } from './compose-file';
import { DASHBOARD_FILE, dashboardPanels, grafanaSql, OPS, POSTGRES_DATASOURCE, readYaml, type DashboardPanel } from './ops-kit';

const TZ = 'Asia/Shanghai';
const SERVICE_LEVEL = 20;
const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: DashboardPanel[]; templating: { list: Array<Record<string, any>> } };
const sqlPanels = dashboardPanels(dashboard).filter((panel) => panel.datasource?.type === POSTGRES_DATASOURCE);
const panel = (title: string) => {
  const found = sqlPanels.find((candidate) => candidate.title === title);
  if (!found) throw new Error(`no SQL panel "${title}"`);
  return found;
};
const at = (local: string) => Date.parse(`${local}+08:00`);
/** As Grafana would ask: a range starting mid-morning of the first day (the panels round it down to whole local days). */
const context = { from: new Date(at('2030-01-31T10:00:00')), to: new Date(at('2030-02-02T00:00:00')), variables: { timezone: TZ, service_level: String(SERVICE_LEVEL) } };

/**
 * The dashboard's row "Call records (PostgreSQL)" (ops/grafana): its panels' SQL, with Grafana's
 * macros and variables expanded, run against a real database made by the migrations — so every
 * table and column they name exists — and their figures compared with the day report that
 * GET /supervisor/overview?day= gives (src/records/daily-report.ts).
 */
describe('the call-record panels of the Grafana dashboard', () => {
  it('fill the call-records row: service level, abandonment, containment and handle time per day, and a table of days by queue', () => {
    const titles = dashboardPanels(dashboard).map((candidate) => candidate.title);
    const row = titles.indexOf('Call records (PostgreSQL)');
    expect(titles.slice(row + 1)).toEqual([
      'Service level per day (records)',
      'Abandonment per day (records)',
      'IVR containment per day (records)',
      'Average handle time per day (records)',
      'Calls per day by outcome (records)',
      'Days by queue (records)',
    ]);
    for (const sqlPanel of sqlPanels) {
      expect(sqlPanel.datasource).toEqual({ type: POSTGRES_DATASOURCE, uid: '${records}' });
      expect(sqlPanel.targets).toEqual([expect.objectContaining({ datasource: sqlPanel.datasource, rawQuery: true, rawSql: expect.stringContaining('FROM call_records') })]);
    }
  });

  it('read the data source Grafana is provisioned with: the compose `postgres` service, its database and user', () => {
    const variables = new Map(dashboard.templating.list.map((variable) => [variable.name, variable]));
    expect(variables.get('records')).toMatchObject({ type: 'datasource', query: POSTGRES_DATASOURCE });
    expect(variables.get('timezone')).toMatchObject({ type: 'textbox', query: TZ });
    expect(variables.get('service_level')).toMatchObject({ type: 'textbox', query: String(SERVICE_LEVEL) });
    const provisioned = readYaml(path.join(OPS, 'grafana/provisioning/datasources/call-records.yml')) as { datasources: Array<Record<string, any>> };
    const [source] = provisioned.datasources;
    expect(source).toMatchObject({ uid: variables.get('records')!.current.value, type: POSTGRES_DATASOURCE, url: 'postgres:5432' });
    const postgres = composeFile().services.postgres!.environment!;
    expect(source!.user).toBe(postgres.POSTGRES_USER);
    expect(source!.secureJsonData.password).toBe(postgres.POSTGRES_PASSWORD);
    expect(source!.jsonData.database).toBe(postgres.POSTGRES_DB);
  });

  describe('on a database made by the migrations', () => {
    let database: TestDatabase;
    let reports: DailyReport[];
    const run = async (title: string) => {
      const rows = await database.db.query<Record<string, any>>(grafanaSql(panel(title).targets![0]!.rawSql!, context));
      expect(rows.length).toBeGreaterThan(0);
      // Each row with its local day, from the time series' `time` or the table's `day`.
      return rows.map((row): Record<string, any> => ({ ...row, day: row.time instanceof Date ? localDate(row.time, TZ) : row.day }));
    };
    const reportOf = (day: unknown) => reports.find((report) => report.day === day)!;
    const queueOf = (day: unknown, queue: unknown) => reportOf(day).queues.find((figures) => figures.queue === queue)!;

    beforeAll(async () => {
      database = await createPostgresDatabase('grafana_panels');
      await migrate(database.db);
      const handedOff = (local: string, fields: Parameters<typeof handoffFactOf>[1]) => handoffFactOf(sid(), { rev: 5, queuedAt: at(local), ...fields });
      await new CallRecordsDb(database.db).write([
        // Outside the range: the day before, and the first moment after it.
        callFactOf(sid(), { startedAt: at('2030-01-30T23:00:00') }),
        callFactOf(sid(), { startedAt: at('2030-02-02T00:00:00') }),
        // 31 January, from before the range's start (whole days count).
        callFactOf(sid(), { startedAt: at('2030-01-31T09:00:00') }),
        handedOff('2030-01-31T09:30:00', { outcome: 'agent', waitedSeconds: 10, agentId: 'alice', talkSeconds: 100 }),
        handedOff('2030-01-31T11:00:00', { outcome: 'abandoned', waitedSeconds: 45 }),
        handedOff('2030-01-31T12:00:00', { queue: 'tier2', outcome: 'agent', waitedSeconds: 40, agentId: 'carol', talkSeconds: 300 }),
        // 1 February.
        callFactOf(sid(), { startedAt: at('2030-02-01T23:59:00') }),
        callFactOf(sid(), { startedAt: at('2030-02-01T08:00:00'), ivrOutcome: 'overflow' }),
        handedOff('2030-02-01T10:00:00', { outcome: 'agent', waitedSeconds: 5, agentId: 'alice', talkSeconds: 50 }),
        handedOff('2030-02-01T10:10:00', { outcome: 'agent', waitedSeconds: 25, agentId: 'bob', talkSeconds: 150 }),
        handedOff('2030-02-01T10:20:00', { outcome: 'callback', callbackAsked: true, waitedSeconds: 3600, agentId: 'bob', talkSeconds: 200 }),
        handedOff('2030-02-01T10:30:00', { waitedSeconds: 5, agentId: 'alice' }),
        handedOff('2030-02-01T10:40:00', {}),
        handedOff('2030-02-01T10:50:00', { outcome: 'abandoned', waitedSeconds: 90 }),
      ]);
      reports = await Promise.all(['2030-01-31', '2030-02-01'].map((day) => dailyReport(database.db, day, TZ, SERVICE_LEVEL)));
    }, 60_000);
    afterAll(() => database?.drop(), 30_000);

    it('the day report they are compared with holds what the fixture says', () => {
      expect(reportOf('2030-01-31')).toMatchObject({ calls: 4, contained: 1, containment: 1 / 4 });
      expect(queueOf('2030-01-31', 'tier1')).toMatchObject({ offered: 2, serviceLevel: 1 / 2, abandonment: 1 / 2, averageHandleSeconds: 100 });
      expect(queueOf('2030-02-01', 'tier1')).toMatchObject({ offered: 6, answered: 4, answeredInTime: 2, serviceLevel: 2 / 4, abandoned: 1 });
    });

    it('service level per day and queue', async () => {
      const rows = await run('Service level per day (records)');
      expect(rows.map((row) => [row.day, row.metric])).toEqual([
        ['2030-01-31', 'tier1'],
        ['2030-01-31', 'tier2'],
        ['2030-02-01', 'tier1'],
      ]);
      for (const row of rows) expect(row.value).toBeCloseTo(queueOf(row.day, row.metric).serviceLevel!, 10);
    });

    it('abandonment per day and queue', async () => {
      for (const row of await run('Abandonment per day (records)')) expect(row.value).toBeCloseTo(queueOf(row.day, row.metric).abandonment!, 10);
    });

    it('IVR containment per day', async () => {
      const rows = await run('IVR containment per day (records)');
      expect(rows.map((row) => row.day)).toEqual(['2030-01-31', '2030-02-01']);
      for (const row of rows) expect(row.containment).toBeCloseTo(reportOf(row.day).containment!, 10);
    });

    it('average handle time per day and queue', async () => {
      const rows = await run('Average handle time per day (records)');
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row.value).toBeCloseTo(queueOf(row.day, row.metric).averageHandleSeconds!, 10);
    });

    it('calls per day by outcome, adding up to the day’s calls', async () => {
      const rows = await run('Calls per day by outcome (records)');
      for (const report of reports) {
        const ofDay = rows.filter((row) => row.day === report.day);
        expect(ofDay.reduce((sum, row) => sum + Number(row.value), 0)).toBe(report.calls);
        expect(Number(ofDay.find((row) => row.metric === 'contained')!.value)).toBe(report.contained);
      }
      expect(rows.filter((row) => row.day === '2030-02-01').map((row) => [row.metric, Number(row.value)])).toEqual([
        ['abandoned', 1],
        ['agent', 2],
        ['callback', 1],
        ['contained', 1],
        ['going on', 2],
        ['overflow', 1],
      ]);
    });

    it('the table of days by queue gives the overview’s figures', async () => {
      const rows = await run('Days by queue (records)');
      expect(rows.map((row) => [row.day, row.queue])).toEqual([
        ['2030-02-01', 'tier1'],
        ['2030-01-31', 'tier1'],
        ['2030-01-31', 'tier2'],
      ]);
      for (const row of rows) {
        const figures = queueOf(row.day, row.queue);
        expect([row.offered, row.answered, row['answered in time'], row.abandoned].map(Number)).toEqual([figures.offered, figures.answered, figures.answeredInTime, figures.abandoned]);
        expect(row['service level']).toBeCloseTo(figures.serviceLevel!, 10);
        expect(row.abandonment).toBeCloseTo(figures.abandonment!, 10);
        expect(row['handle time']).toBeCloseTo(figures.averageHandleSeconds!, 10);
      }
    });

    it('a panel naming a column the schema does not have is refused (the check can fail)', async () => {
      const misspelt = panel('Average handle time per day (records)').targets![0]!.rawSql!.replace(/talk_seconds/g, 'talk_secs');
      await expect(database.db.query(grafanaSql(misspelt, context))).rejects.toThrow(/column "talk_secs" does not exist/);
      expect(() => grafanaSql('SELECT $__timeGroup(started_at, 1d) FROM call_records', context)).toThrow(/does not expand/);
    });
  });
});

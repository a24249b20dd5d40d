import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { alertRules, OPS, promtool, readYaml, RULES_FILE, RULES_TEST_FILE, withTempFiles } from './ops-kit';

interface RulesTestFile {
  rule_files: string[];
  tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
}

/** The alerts the operations kit must have (issue 10 §6), by what they watch. */
const REQUIRED = [
  'HotlineRedisUnreachable',
  'HotlineWebhookSlow',
  'HotlineLongWait',
  'HotlineAbandonmentHigh',
  'HotlineSignatureFailures',
  'HotlineSecurityEventBurst',
];

describe('the Prometheus alerting rules (ops/prometheus/hotline-alerts.yml)', () => {
  const rules = alertRules();

  it('pass `promtool check rules`', () => {
    const run = promtool('check', 'rules', RULES_FILE);
    expect(run.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(run.status).toBe(0);
  });

  it('pass their unit tests (`promtool test rules`): every alert fires on its synthetic series, and stays quiet on a normal day', () => {
    const run = promtool('test', 'rules', RULES_TEST_FILE);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('are unit-tested both firing and not firing, every one of them', () => {
    const cases = (readYaml(RULES_TEST_FILE) as RulesTestFile).tests.flatMap((test) => test.alert_rule_test);
    for (const { alert } of rules) {
      const mine = cases.filter((test) => test.alertname === alert);
      expect({ alert, fires: mine.some((test) => test.exp_alerts.length > 0) }).toEqual({ alert, fires: true });
      expect({ alert, quiet: mine.some((test) => test.exp_alerts.length === 0) }).toEqual({ alert, quiet: true });
    }
  });

  it('unit tests that can fail: a wrong expectation makes promtool fail', () => {
    const tests = readYaml(RULES_TEST_FILE) as RulesTestFile;
    // Expect silence where the alert fires.
    const firing = tests.tests.flatMap((test) => test.alert_rule_test).find((test) => test.exp_alerts.length > 0)!;
    firing.exp_alerts = [];
    const run = withTempFiles(
      { 'hotline-alerts.yml': readFileSync(RULES_FILE, 'utf8'), 'wrong.test.yml': toYaml(tests) },
      (dir) => promtool('test', 'rules', path.join(dir, 'wrong.test.yml')),
    );
    expect(run.output).toContain('FAILED');
    expect(run.status).not.toBe(0);
  });

  it('cover Redis, webhook latency, the longest wait, abandonment and security events', () => {
    expect(REQUIRED.filter((name) => !rules.some((rule) => rule.alert === name))).toEqual([]);
  });

  it('each say what is wrong and where the runbook is, with a severity', () => {
    const runbook = readFileSync(path.join(OPS, 'README.md'), 'utf8');
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: rule.labels?.severity }).toEqual({ alert: rule.alert, severity: expect.stringMatching(/^(critical|warning)$/) });
      expect(rule.annotations?.summary?.length).toBeGreaterThan(20);
      expect(rule.annotations?.description?.length).toBeGreaterThan(80);
      expect(rule.annotations?.runbook).toBe(`ops/README.md#${rule.alert.toLowerCase()}`);
      // The heading GitHub turns into that anchor, with what to do under it.
      expect(runbook).toMatch(new RegExp(`^### ${rule.alert}\\n\\n\\S`, 'm'));
    }
  });
});

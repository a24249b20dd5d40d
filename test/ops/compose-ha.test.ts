import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestHotline } from '../support/test-app';
import {
  COMPOSE_TEXT,
  composeFile,
  envExampleNames,
  haproxySections,
  interpolatedVariables,
  mounts,
  portMapping,
  servicesOfProfile,
  type ComposeService,
} from './compose-file';
import { OPS, promtool, readYaml, ROOT } from './ops-kit';

/**
 * The compose profiles `ha` and `ha-monitoring`, checked without Docker (none on the development
 * machines): every service, port, variable and file they name exists, and the pieces point at
 * each other (Sentinel, HAProxy, Prometheus, Grafana).
 */
const compose = composeFile();
const service = (name: string): ComposeService => compose.services[name]!;
const HA = ['redis-master', 'redis-replica', 'sentinel-1', 'sentinel-2', 'sentinel-3', 'app-1', 'app-2', 'lb'];
const APPS = ['app-1', 'app-2'];
const SENTINELS = ['sentinel-1', 'sentinel-2', 'sentinel-3'];
const env = (name: string) => service(name).environment ?? {};
const published = (name: string) => (service(name).ports ?? []).map(portMapping);

function mountedFrom(name: string, target: string): string {
  const mount = mounts(service(name)).find((candidate) => candidate.target === target);
  if (!mount) throw new Error(`${name} mounts nothing at ${target}`);
  return path.join(ROOT, mount.source);
}

/** A directive's arguments in a parsed sentinel.conf (`sentinel monitor mymaster host 6379 2` → [mymaster, host, 6379, 2]). */
function sentinelSetting(directive: string): string[] {
  const text = readFileSync(mountedFrom('sentinel-1', '/etc/hotline/sentinel.conf'), 'utf8');
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${directive} `));
  if (!line) throw new Error(`sentinel.conf has no "${directive}"`);
  return line.slice(directive.length + 1).trim().split(/\s+/);
}

describe('docker-compose.yml, profile ha', () => {
  it('parses, and names exactly the high-availability services (Prometheus and Grafana in ha-monitoring)', () => {
    expect(servicesOfProfile(compose, 'ha').sort()).toEqual([...HA].sort());
    expect(servicesOfProfile(compose, 'ha-monitoring').sort()).toEqual(['grafana', 'prometheus']);
    // The plain `docker compose up` keeps its app and Redis, without a profile.
    for (const name of ['app', 'redis']) expect(service(name).profiles).toBeUndefined();
  });

  it('depends only on services that exist and start with it', () => {
    for (const [name, definition] of Object.entries(compose.services)) {
      for (const dependency of Object.keys(definition.depends_on ?? {})) {
        const needed = compose.services[dependency];
        expect({ name, dependency, exists: needed !== undefined }).toEqual({ name, dependency, exists: true });
        const startsWith = !needed!.profiles || needed!.profiles.some((profile) => definition.profiles?.includes(profile));
        expect({ name, dependency, startsWith }).toEqual({ name, dependency, startsWith: true });
      }
    }
  });

  it('names only variables .env.example lists', () => {
    const listed = envExampleNames();
    const used = new Set([...interpolatedVariables(COMPOSE_TEXT), ...Object.values(compose.services).flatMap((s) => Object.keys(s.environment ?? {}))]);
    expect(used).toContain('REDIS_SENTINELS');
    expect([...used].filter((name) => !listed.has(name))).toEqual([]);
  });

  it('mounts only files that exist, and declares every named volume', () => {
    for (const [name, definition] of Object.entries(compose.services)) {
      for (const mount of mounts(definition)) {
        if (mount.bind) expect({ name, file: mount.source, exists: existsSync(path.join(ROOT, mount.source)) }).toEqual({ name, file: mount.source, exists: true });
        else expect(Object.keys(compose.volumes)).toContain(mount.source);
      }
    }
  });

  it('publishes only the load balancer of the ha services, monitoring on loopback only, no host port twice', () => {
    for (const name of HA.filter((name) => name !== 'lb')) expect({ name, ports: service(name).ports ?? [] }).toEqual({ name, ports: [] });
    expect(published('lb')).toHaveLength(1);
    for (const name of ['prometheus', 'grafana']) for (const port of published(name)) expect(port.ip).toBe('127.0.0.1');
    const hostPorts = Object.keys(compose.services).flatMap((name) => published(name).map((port) => port.host));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('runs the hotline image twice, configured for the Sentinels, with the admin port apart and unpublished', () => {
    const [sentinelName, masterHost, masterPort, quorum] = sentinelSetting('sentinel monitor');
    const sentinelPort = sentinelSetting('port')[0];
    for (const name of APPS) {
      expect(service(name)).toMatchObject({ image: service('app').image, build: service('app').build });
      expect(env(name)).toMatchObject({
        REDIS_URL: '',
        REDIS_CLUSTER_NODES: '',
        REDIS_SENTINELS: SENTINELS.map((sentinel) => `${sentinel}:${sentinelPort}`).join(','),
        REDIS_SENTINEL_NAME: sentinelName,
      });
      expect(env(name).ADMIN_PORT).toMatch(/^\d+$/);
      expect(env(name).ADMIN_PORT).not.toBe(env(name).PORT);
      expect(Object.keys(service(name).depends_on ?? {})).toEqual(expect.arrayContaining(SENTINELS));
    }
    // The Sentinels watch the master compose runs, which the replica follows.
    expect(masterHost).toBe('redis-master');
    expect(service('redis-master').command).not.toContain('--replicaof');
    const replicaOf = service('redis-replica').command!;
    expect(replicaOf.slice(replicaOf.indexOf('--replicaof') + 1, replicaOf.indexOf('--replicaof') + 3)).toEqual([masterHost, masterPort]);
    expect(Number(quorum)).toBeGreaterThan(SENTINELS.length / 2);
    expect(Number(quorum)).toBeLessThanOrEqual(SENTINELS.length);
    for (const name of SENTINELS) {
      expect(service(name).command!.join(' ')).toMatch(/cp \/etc\/hotline\/sentinel\.conf \/data\/sentinel\.conf && exec .*redis-server \/data\/sentinel\.conf --sentinel/);
      expect(mountedFrom(name, '/etc/hotline/sentinel.conf')).toBe(path.join(OPS, 'ha/sentinel.conf'));
    }
  });

  it('puts HAProxy in front of the apps\' webhook port only, health-checked on a path the app answers', async () => {
    const config = readFileSync(mountedFrom('lb', '/usr/local/etc/haproxy/haproxy.cfg'), 'utf8');
    const sections = haproxySections(config);
    const frontends = [...sections.keys()].filter((name) => name.startsWith('frontend '));
    expect(frontends).toHaveLength(1);
    const frontend = sections.get(frontends[0]!)!;
    expect(frontend).toContain(`bind :${published('lb')[0]!.container}`);
    const backendName = frontend.find((line) => line.startsWith('default_backend '))!.split(/\s+/)[1];
    const backend = sections.get(`backend ${backendName}`)!;
    const servers = backend.filter((line) => line.startsWith('server ')).map((line) => line.split(/\s+/)[2]);
    expect(servers.sort()).toEqual(APPS.map((name) => `${name}:${env(name).PORT}`).sort());
    expect(servers.some((server) => server!.endsWith(`:${env('app-1').ADMIN_PORT}`))).toBe(false);

    const check = backend.find((line) => line.startsWith('option httpchk '))!.split(/\s+/);
    expect(check.slice(2)).toEqual(['GET', '/healthz']);
    const hotline = await startTestHotline({ store: 'memory' });
    try {
      expect((await hotline.app.inject({ method: 'GET', url: check[3]! })).statusCode).toBe(200);
    } finally {
      await hotline.close();
    }
  });
});

describe('docker-compose.yml, profile ha-monitoring', () => {
  it('runs Prometheus with a config promtool accepts, scraping every app on its admin port, with the alerting rules mounted beside it', () => {
    const configFile = mountedFrom('prometheus', '/etc/prometheus/prometheus.yml');
    const run = promtool('check', 'config', configFile);
    expect(run.output).toContain('is valid prometheus config file syntax');
    expect(run.status).toBe(0);

    const config = readYaml(configFile) as { rule_files: string[]; scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }> };
    const job = config.scrape_configs.find((candidate) => candidate.job_name === 'hotline')!;
    expect(job.static_configs.flatMap((group) => group.targets).sort()).toEqual(APPS.map((name) => `${name}:${env(name).ADMIN_PORT}`).sort());
    for (const rules of config.rule_files) {
      expect(mountedFrom('prometheus', path.posix.join('/etc/prometheus', rules))).toBe(path.join(path.dirname(configFile), rules));
    }
  });

  it('runs Grafana with the Prometheus service as data source and the dashboard folder provisioned', () => {
    const provisioning = mountedFrom('grafana', '/etc/grafana/provisioning');
    const datasources = readYaml(path.join(provisioning, 'datasources/prometheus.yml')) as { datasources: Array<{ uid: string; url: string; type: string }> };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    const providers = readYaml(path.join(provisioning, 'dashboards/hotline.yml')) as { providers: Array<{ options: { path: string } }> };
    const dashboards = mountedFrom('grafana', providers.providers[0]!.options.path);
    expect(existsSync(path.join(dashboards, 'hotline.json'))).toBe(true);
    const dashboard = JSON.parse(readFileSync(path.join(dashboards, 'hotline.json'), 'utf8'));
    const variable = dashboard.templating.list.find((candidate: { name: string }) => candidate.name === 'datasource');
    expect(variable.current.value).toBe(datasources.datasources[0]!.uid);
  });
});

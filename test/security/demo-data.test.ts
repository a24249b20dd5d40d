import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { hashAgentToken, type AgentsFile } from '../../src/agents/agent-directory';
import { ConfigError } from '../../src/config';
import { DEMO_AGENT_TOKENS } from '../../src/security/demo-data';
import { bearer, BOB } from '../agent-api/agent-test-kit';
import { LIVE_TWILIO_ENV } from '../support/live-env';
import { logCapture } from '../support/log-capture';
import { startTestHotline, type TestHotline } from '../support/test-app';

const ROOT = path.join(__dirname, '../..');
/** Live mode (the harness's own PUBLIC_BASE_URL and auth token stay, so webhooks still verify). */
const { TWILIO_MODE, TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER } = LIVE_TWILIO_ENV;
const LIVE = { TWILIO_MODE, TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER };
const CORE_API = { WALLET_API_URL: 'https://core.example.test', WALLET_API_TOKEN: 'core-token' };
const OWN_TOKEN = 'f3b1c0de9a8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e';

const dir = mkdtempSync(path.join(tmpdir(), 'hotline-demo-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An agents file in the temp folder; AGENTS_FILE may be absolute. */
function agentsFile(name: string, agents: { id: string; token: string }[]): string {
  const file: AgentsFile = {
    agents: agents.map(({ id, token }) => ({ id, name: id, tiers: ['tier1'], contact: `client:${id}`, tokenHash: hashAgentToken(token) })),
  };
  const where = path.join(dir, name);
  writeFileSync(where, JSON.stringify(file));
  return where;
}

async function refusal(env: Record<string, string>): Promise<ConfigError> {
  let hotline: TestHotline | undefined;
  try {
    hotline = await startTestHotline({ store: 'memory', env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  await hotline.close();
  throw new Error(`the hotline started with ${JSON.stringify(env)}`);
}

async function securityEvents(app: FastifyInstance, kind: string): Promise<number> {
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  return Number(new RegExp(`hotline_security_events_total\\{kind="${kind}"\\} (\\d+)`).exec(metrics.body)?.[1]);
}

describe('live mode refuses to start on demo data (SPEC §5)', () => {
  it('with AGENTS_FILE unset and no wallet core API: names AGENTS_FILE, WALLET_API_URL and ALLOW_DEMO_DATA', async () => {
    const error = await refusal(LIVE);
    expect(error.message).toContain('TWILIO_MODE=live refuses demo data');
    expect(error.message).toMatch(/AGENTS_FILE unset.*alice, bob, carol.*set AGENTS_FILE/);
    expect(error.message).toMatch(/demo directory.*set WALLET_API_URL/);
    expect(error.message).toContain('ALLOW_DEMO_DATA=true');
  });

  it('recognises the demo agents by their published tokens, not by the file name: a renamed copy is refused', async () => {
    const copy = path.join(dir, 'our-agents.json');
    copyFileSync(path.join(ROOT, 'data/agents.json'), copy);
    const error = await refusal({ ...LIVE, ...CORE_API, AGENTS_FILE: copy });
    expect(error.message).toContain(`the agents file (${copy}) accepts the published demo tokens of alice, bob, carol`);
    expect(error.message).not.toContain('WALLET_API_URL');
  });

  it.each(DEMO_AGENT_TOKENS)('an own agents file with one agent on %s is refused, naming that agent', async (token) => {
    const file = agentsFile(`mixed-${token}.json`, [
      { id: 'lin', token: OWN_TOKEN },
      { id: 'intruder', token },
    ]);
    const error = await refusal({ ...LIVE, ...CORE_API, AGENTS_FILE: file });
    expect(error.message).toContain('published demo tokens of intruder: set AGENTS_FILE');
  });

  it('its own agents file with the demo wallet directory is refused, naming WALLET_API_URL only', async () => {
    const file = agentsFile('own.json', [{ id: 'lin', token: OWN_TOKEN }]);
    const error = await refusal({ ...LIVE, AGENTS_FILE: file, WALLET_DATA_FILE: 'data/demo-wallets.json' });
    expect(error.message).toContain('the wallets come from the demo directory (data/demo-wallets.json): set WALLET_API_URL');
    expect(error.message).not.toContain('set AGENTS_FILE');
  });

  it('starts with its own agents file and the wallet core API, and its agents log in', async () => {
    const file = agentsFile('own-live.json', [{ id: 'lin', token: OWN_TOKEN }]);
    const hotline = await startTestHotline({ store: 'memory', env: { ...LIVE, ...CORE_API, AGENTS_FILE: file } });
    try {
      const queues = await hotline.app.inject({ method: 'GET', url: '/agent/queues', headers: bearer(OWN_TOKEN) });
      expect(queues.statusCode).toBe(200);
      expect(queues.json().agent).toMatchObject({ id: 'lin' });
    } finally {
      await hotline.close();
    }
  });

  it('simulate mode keeps the demo data and accepts the demo tokens', async () => {
    const hotline = await startTestHotline({ store: 'memory' });
    try {
      expect((await hotline.app.inject({ method: 'GET', url: '/agent/queues', headers: bearer(BOB) })).statusCode).toBe(200);
    } finally {
      await hotline.close();
    }
  });
});

describe('a trial line (live, ALLOW_DEMO_DATA=true) never accepts a demo token', () => {
  let hotline: TestHotline;
  const log = logCapture();
  beforeAll(async () => {
    const file = agentsFile('trial.json', [
      { id: 'lin', token: OWN_TOKEN },
      { id: 'sam', token: 'sam-demo-token' },
    ]);
    hotline = await startTestHotline({ store: 'memory', env: { ...LIVE, ALLOW_DEMO_DATA: 'true', AGENTS_FILE: file, AGENT_LOGIN_MAX_FAILURES: '1000' }, logDestination: log.stream, logLevel: 'info' });
  });
  afterAll(() => hotline.close());

  it.each(DEMO_AGENT_TOKENS)('refuses %s with 401, on the header and on the event stream, each a demo-token security event', async (token) => {
    const before = { demo: await securityEvents(hotline.app, 'demo-token'), failure: await securityEvents(hotline.app, 'agent-login-failure') };
    const from = log.count();
    const queues = await hotline.app.inject({ method: 'GET', url: '/agent/queues', headers: bearer(token) });
    expect(queues.statusCode).toBe(401);
    expect(queues.json().message).toMatch(/Demo tokens are refused in live mode/);
    expect((await hotline.app.inject({ method: 'GET', url: `/agent/events?token=${token}` })).statusCode).toBe(401);
    expect(await securityEvents(hotline.app, 'demo-token')).toBe(before.demo + 2);
    expect(await securityEvents(hotline.app, 'agent-login-failure')).toBe(before.failure + 2);
    const warned = log.text(from).split('\n').filter((line) => line.includes('"securityEvent":"demo-token"'));
    expect(warned).toHaveLength(2);
    expect(log.text(from)).not.toContain(token);
  });

  it("accepts the line's own agents", async () => {
    expect((await hotline.app.inject({ method: 'GET', url: '/agent/queues', headers: bearer(OWN_TOKEN) })).statusCode).toBe(200);
  });
});

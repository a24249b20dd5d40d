import type { FastifyInstance } from 'fastify';
import { bearer, BOB } from '../agent-api/agent-test-kit';
import { logCapture } from '../support/log-capture';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { ManualClock, startTestHotline, type TestHotline } from '../support/test-app';

const MAX = 3;
const WINDOW_SECONDS = 60;
const LIMIT_ENV = { AGENT_LOGIN_MAX_FAILURES: String(MAX), AGENT_LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS) };

const ATTACKER = '203.0.113.7';
const COLLEAGUE = '203.0.113.8';

function queues(app: FastifyInstance, token: string | undefined, remoteAddress: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'GET',
    url: '/agent/queues',
    remoteAddress,
    headers: { ...(token === undefined ? {} : bearer(token)), ...headers },
  });
}

async function securityEvents(app: FastifyInstance, kind: string): Promise<number> {
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  const line = new RegExp(`hotline_security_events_total\\{kind="${kind}"\\} (\\d+)`).exec(metrics.body);
  if (!line) throw new Error(`no ${kind} line in /metrics`);
  return Number(line[1]);
}

describe.each(['redis', 'memory'] as const)('failed agent logins are rate-limited per address (%s store)', (store) => {
  let hotline: TestHotline;
  const log = logCapture();
  beforeEach(async () => {
    hotline = await startTestHotline({ store, env: LIMIT_ENV, logDestination: log.stream, logLevel: 'info' });
  });
  afterEach(() => hotline.close());

  it(`answers 401 to ${MAX} wrong tokens, then 429 with Retry-After to everything from that address, a good token included`, async () => {
    for (let attempt = 1; attempt <= MAX; attempt++) {
      expect((await queues(hotline.app, `guess-${attempt}`, ATTACKER)).statusCode).toBe(401);
    }
    const refused = await queues(hotline.app, 'guess-4', ATTACKER);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(WINDOW_SECONDS);
    expect(refused.json().message).toMatch(/Too many failed logins/);
    // A right guess now would be told apart from a wrong one: it is refused the same way.
    expect((await queues(hotline.app, BOB, ATTACKER)).statusCode).toBe(429);
    // What needs no token (the console's page, a scrape) still loads, without asking the store.
    for (const url of ['/console', '/metrics']) expect((await hotline.app.inject({ method: 'GET', url, remoteAddress: ATTACKER })).statusCode).toBe(200);
    // Another address is not concerned.
    expect((await queues(hotline.app, BOB, COLLEAGUE)).statusCode).toBe(200);
    expect((await queues(hotline.app, 'typo', COLLEAGUE)).statusCode).toBe(401);
  });

  it('counts only failures: good tokens before the limit pass and use none of it', async () => {
    for (let round = 0; round < MAX - 1; round++) {
      expect((await queues(hotline.app, 'wrong', ATTACKER)).statusCode).toBe(401);
      for (let good = 0; good < 5; good++) expect((await queues(hotline.app, BOB, ATTACKER)).statusCode).toBe(200);
    }
    // The event stream, which takes its token in the query, is the same login.
    expect((await hotline.app.inject({ method: 'GET', url: '/agent/events?token=wrong', remoteAddress: ATTACKER })).statusCode).toBe(401);
    expect((await queues(hotline.app, BOB, ATTACKER)).statusCode).toBe(429);
  });

  it('a request without any token is a failed login too', async () => {
    for (let attempt = 1; attempt <= MAX; attempt++) expect((await queues(hotline.app, undefined, ATTACKER)).statusCode).toBe(401);
    expect((await queues(hotline.app, BOB, ATTACKER)).statusCode).toBe(429);
  });

  it('lets the address in again when the window has passed', async () => {
    for (let attempt = 1; attempt <= MAX; attempt++) await queues(hotline.app, 'wrong', ATTACKER);
    expect((await queues(hotline.app, BOB, ATTACKER)).statusCode).toBe(429);
    hotline.clock.advance(WINDOW_SECONDS * 1000);
    expect((await queues(hotline.app, BOB, ATTACKER)).statusCode).toBe(200);
    expect((await queues(hotline.app, 'wrong', ATTACKER)).statusCode).toBe(401);
  });

  it('reports each failure as an agent-login-failure security event, at warn, without the token', async () => {
    const before = await securityEvents(hotline.app, 'agent-login-failure');
    const from = log.count();
    await queues(hotline.app, 'secret-guess-one', ATTACKER);
    await hotline.app.inject({ method: 'GET', url: '/agent/events?token=secret-guess-two', remoteAddress: ATTACKER });
    await queues(hotline.app, BOB, ATTACKER);
    expect(await securityEvents(hotline.app, 'agent-login-failure')).toBe(before + 2);

    const events = log
      .text(from)
      .split('\n')
      .filter((line) => line.includes('"securityEvent":"agent-login-failure"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toHaveLength(2);
    expect(events.map((event) => event.route)).toEqual(['/agent/queues', '/agent/events']);
    for (const event of events) expect(event).toMatchObject({ level: 40, address: ATTACKER });
    expect(log.text(from)).not.toContain('secret-guess');
  });
});

describe('the limit behind a load balancer (TRUST_PROXY)', () => {
  const BALANCER = '10.0.0.5';
  let hotline: TestHotline | undefined;
  afterEach(() => hotline?.close());

  it('with TRUST_PROXY=1, counts per client address from X-Forwarded-For, not per balancer', async () => {
    hotline = await startTestHotline({ store: 'memory', env: { ...LIMIT_ENV, TRUST_PROXY: '1' } });
    const via = (client: string) => ({ 'x-forwarded-for': client });
    for (let attempt = 1; attempt <= MAX; attempt++) {
      expect((await queues(hotline.app, 'wrong', BALANCER, via(ATTACKER))).statusCode).toBe(401);
    }
    expect((await queues(hotline.app, BOB, BALANCER, via(ATTACKER))).statusCode).toBe(429);
    expect((await queues(hotline.app, BOB, BALANCER, via(COLLEAGUE))).statusCode).toBe(200);
  });

  it('without TRUST_PROXY, a forged X-Forwarded-For does not escape the limit', async () => {
    hotline = await startTestHotline({ store: 'memory', env: LIMIT_ENV });
    for (let attempt = 1; attempt <= MAX; attempt++) {
      await queues(hotline.app, 'wrong', ATTACKER, { 'x-forwarded-for': `198.51.100.${attempt}` });
    }
    expect((await queues(hotline.app, BOB, ATTACKER, { 'x-forwarded-for': '198.51.100.99' })).statusCode).toBe(429);
  });
});

describe('the count is shared by every instance on one Redis', () => {
  it('failures at two instances add up', async () => {
    const redis = await testRedis();
    const prefix = uniquePrefix('login-limit');
    const clock = new ManualClock();
    const one = await startTestHotline({ redis, prefix, clock, env: LIMIT_ENV });
    const two = await startTestHotline({ redis, prefix, clock, env: LIMIT_ENV });
    try {
      expect((await queues(one.app, 'wrong-1', ATTACKER)).statusCode).toBe(401);
      expect((await queues(two.app, 'wrong-2', ATTACKER)).statusCode).toBe(401);
      expect((await queues(one.app, 'wrong-3', ATTACKER)).statusCode).toBe(401);
      expect((await queues(two.app, BOB, ATTACKER)).statusCode).toBe(429);
      expect((await queues(one.app, BOB, ATTACKER)).statusCode).toBe(429);
      // The counter lives under the hotline's prefix and expires with its window.
      const keys = await redis.keys(`${prefix}*agent-login-failures*`);
      expect(keys).toHaveLength(1);
      expect(await redis.get(keys[0]!)).toBe(String(MAX));
      const ttl = await redis.pttl(keys[0]!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);
    } finally {
      await one.close();
      await two.close();
      await deletePrefix(redis, prefix);
      await redis.quit();
    }
  });
});

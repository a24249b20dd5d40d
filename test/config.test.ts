import { ConfigError, loadConfig, SIMULATE_DEV_AUTH_TOKEN } from '../src/config';

const LIVE = {
  TWILIO_MODE: 'live',
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'real-token',
  TWILIO_FROM_NUMBER: '+8610000000000',
  PUBLIC_BASE_URL: 'https://hotline.example.com',
};

function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('with an empty environment: simulate mode, development token, sensible defaults', () => {
    const config = loadConfig({});
    expect(config.twilio).toMatchObject({ mode: 'simulate', authToken: SIMULATE_DEV_AUTH_TOKEN, usingDevToken: true, accountSid: undefined });
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.redis).toBeUndefined();
    expect(config.redisKeyPrefix).toBe('hotline:');
    expect(config.defaultLanguage).toBe('zh-CN');
    expect(config.logLevel).toBe('info');
    expect(config.overflowNumber).toBeUndefined();
    expect(config.sessionTtlSeconds).toBe(4 * 3600);
  });

  it('treats empty variables as unset (as docker compose passes them)', () => {
    const config = loadConfig({ PORT: '', TWILIO_AUTH_TOKEN: '', TWILIO_MODE: '', PUBLIC_BASE_URL: '', OVERFLOW_NUMBER: '' });
    expect(config.port).toBe(3000);
    expect(config.twilio.mode).toBe('simulate');
    expect(config.twilio.usingDevToken).toBe(true);
  });

  it('the public base URL follows PORT and loses its trailing slash', () => {
    expect(loadConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://ivr.example.com/' }).publicBaseUrl).toBe('https://ivr.example.com');
  });

  it('simulate mode with a configured token uses it', () => {
    const config = loadConfig({ TWILIO_AUTH_TOKEN: 'mine' });
    expect(config.twilio).toMatchObject({ mode: 'simulate', authToken: 'mine', usingDevToken: false });
  });

  it('credentials without TWILIO_MODE mean live', () => {
    const { TWILIO_MODE: _mode, ...rest } = LIVE;
    const config = loadConfig(rest);
    expect(config.twilio).toMatchObject({ mode: 'live', authToken: 'real-token', fromNumber: '+8610000000000', usingDevToken: false });
  });

  it('a complete live configuration loads', () => {
    const config = loadConfig({ ...LIVE, OVERFLOW_NUMBER: '+8610123456789', DEFAULT_LANGUAGE: 'en-US', REDIS_URL: 'redis://redis:6379' });
    expect(config.twilio.mode).toBe('live');
    expect(config.overflowNumber).toBe('+8610123456789');
    expect(config.defaultLanguage).toBe('en-US');
    expect(config.redis).toEqual({ kind: 'single', url: 'redis://redis:6379' });
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '80.5' }],
    ['TWILIO_MODE', { TWILIO_MODE: 'production' }],
    ['TWILIO_ACCOUNT_SID', { TWILIO_ACCOUNT_SID: 'SK123' }],
    ['TWILIO_FROM_NUMBER', { TWILIO_FROM_NUMBER: '13800000000' }],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'not a url' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['REDIS_URL', { REDIS_URL: 'http://redis:6379' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['DEFAULT_LANGUAGE', { DEFAULT_LANGUAGE: 'fr-FR' }],
    ['OVERFLOW_NUMBER', { OVERFLOW_NUMBER: 'call mum' }],
    ['SESSION_TTL_SECONDS', { SESSION_TTL_SECONDS: '5' }],
    ['ADMIN_PORT', { ADMIN_PORT: '3000' }],
    ['ADMIN_PORT', { ADMIN_PORT: 'admin' }],
    ['ALLOW_DEMO_DATA', { ALLOW_DEMO_DATA: 'yes' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'the load balancer' }],
    ['AGENT_LOGIN_MAX_FAILURES', { AGENT_LOGIN_MAX_FAILURES: '0' }],
    ['AGENT_LOGIN_WINDOW_SECONDS', { AGENT_LOGIN_WINDOW_SECONDS: '0' }],
  ] as const)('a bad %s is refused with a message naming it', (name, env) => {
    expect(refusal(env).message).toContain(name);
  });

  it.each([
    ['TWILIO_ACCOUNT_SID', { TWILIO_ACCOUNT_SID: undefined }],
    ['TWILIO_AUTH_TOKEN', { TWILIO_AUTH_TOKEN: undefined }],
    ['TWILIO_FROM_NUMBER', { TWILIO_FROM_NUMBER: undefined }],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: undefined }],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'http://hotline.example.com' }],
  ] as const)('live mode without a proper %s refuses to start', (name, override) => {
    const error = refusal({ ...LIVE, ...override });
    expect(error.message).toContain(name);
  });

  it('the staff listener, demo data, proxies and the login limit: defaults and values', () => {
    expect(loadConfig({})).toMatchObject({
      admin: { port: undefined, host: '0.0.0.0' },
      allowDemoData: false,
      trustProxy: false,
      agentLogins: { maxFailures: 10, windowSeconds: 300 },
    });
    const config = loadConfig({ ADMIN_PORT: '9090', HOST: '10.0.0.2', ALLOW_DEMO_DATA: 'true', AGENT_LOGIN_MAX_FAILURES: '5', AGENT_LOGIN_WINDOW_SECONDS: '60' });
    expect(config).toMatchObject({ admin: { port: 9090, host: '10.0.0.2' }, allowDemoData: true, agentLogins: { maxFailures: 5, windowSeconds: 60 } });
    expect(loadConfig({ ADMIN_PORT: '9090', ADMIN_HOST: '127.0.0.1' }).admin).toEqual({ port: 9090, host: '127.0.0.1' });
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,::1' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.7', '::1']);
  });

  it('live mode never falls back to the development token', () => {
    const error = refusal({ ...LIVE, TWILIO_AUTH_TOKEN: '' });
    expect(error.message).toContain('TWILIO_AUTH_TOKEN');
  });

  it('the identity and SMS limits default to SPEC §3 and can be configured', () => {
    expect(loadConfig({}).identity).toEqual({ maxAttempts: 3, lockMinutes: 15, velocityMax: 5, velocityMinutes: 60 });
    expect(loadConfig({}).sms).toEqual({ maxPerCall: 3, maxPerNumberPerDay: 10, maxCodesPerWalletPerHour: 5, countryCodes: ['86'] });
    const config = loadConfig({
      IDENTITY_MAX_ATTEMPTS: '5',
      IDENTITY_LOCK_MINUTES: '30',
      PIN_VELOCITY_MAX: '10',
      PIN_VELOCITY_MINUTES: '120',
      SMS_MAX_PER_CALL: '0',
      SMS_MAX_PER_NUMBER_PER_DAY: '4',
      SMS_MAX_CODES_PER_WALLET_PER_HOUR: '2',
      SMS_COUNTRY_CODES: '86, 852,1',
    });
    expect(config.identity).toEqual({ maxAttempts: 5, lockMinutes: 30, velocityMax: 10, velocityMinutes: 120 });
    expect(config.sms).toEqual({ maxPerCall: 0, maxPerNumberPerDay: 4, maxCodesPerWalletPerHour: 2, countryCodes: ['86', '852', '1'] });
  });

  it.each([
    ['IDENTITY_MAX_ATTEMPTS', '0'],
    ['PIN_VELOCITY_MAX', 'many'],
    ['SMS_MAX_PER_NUMBER_PER_DAY', '0'],
    ['SMS_COUNTRY_CODES', '+86'],
    ['SMS_COUNTRY_CODES', '86,,1'],
  ])('a bad %s (%p) stops the start naming it', (name, value) => {
    expect(refusal({ [name]: value }).message).toContain(name);
  });
});

describe('the Redis deployment (SPEC §5 "High availability")', () => {
  it('none set: the embedded store', () => {
    expect(loadConfig({ REDIS_URL: '', REDIS_SENTINELS: '', REDIS_CLUSTER_NODES: '' }).redis).toBeUndefined();
  });

  it('REDIS_SENTINELS with REDIS_SENTINEL_NAME, or its default mymaster', () => {
    expect(loadConfig({ REDIS_SENTINELS: 'sentinel-1:26379, sentinel-2:26379,10.0.0.3:26380', REDIS_SENTINEL_NAME: 'hotline' }).redis).toEqual({
      kind: 'sentinel',
      name: 'hotline',
      sentinels: [
        { host: 'sentinel-1', port: 26379 },
        { host: 'sentinel-2', port: 26379 },
        { host: '10.0.0.3', port: 26380 },
      ],
    });
    expect(loadConfig({ REDIS_SENTINELS: '[::1]:26379' }).redis).toEqual({ kind: 'sentinel', name: 'mymaster', sentinels: [{ host: '::1', port: 26379 }] });
  });

  it('REDIS_CLUSTER_NODES, with REDIS_CLUSTER_NAT_MAP from announced to reachable addresses', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:6379,redis-2:6379' }).redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'redis-1', port: 6379 },
        { host: 'redis-2', port: 6379 },
      ],
      natMap: {},
    });
    const natted = loadConfig({ REDIS_CLUSTER_NODES: '203.0.113.73:30001', REDIS_CLUSTER_NAT_MAP: '10.0.1.230:6379=203.0.113.73:30001,10.0.1.231:6379=203.0.113.73:30002' });
    expect(natted.redis).toMatchObject({
      kind: 'cluster',
      natMap: { '10.0.1.230:6379': { host: '203.0.113.73', port: 30001 }, '10.0.1.231:6379': { host: '203.0.113.73', port: 30002 } },
    });
  });

  it.each([
    ['REDIS_URL and REDIS_SENTINELS', { REDIS_URL: 'redis://redis:6379', REDIS_SENTINELS: 's:26379' }],
    ['REDIS_URL and REDIS_CLUSTER_NODES', { REDIS_URL: 'redis://redis:6379', REDIS_CLUSTER_NODES: 'n:6379' }],
    ['REDIS_SENTINELS and REDIS_CLUSTER_NODES', { REDIS_SENTINELS: 's:26379', REDIS_CLUSTER_NODES: 'n:6379' }],
  ])('two deployments at once (%s) stop the start naming both', (names, env) => {
    expect(refusal(env).message).toContain(names);
  });

  it.each([
    ['REDIS_SENTINELS', { REDIS_SENTINELS: 'sentinel-1' }],
    ['REDIS_SENTINELS', { REDIS_SENTINELS: 'sentinel-1:99999' }],
    ['REDIS_SENTINELS', { REDIS_SENTINELS: ',' }],
    ['REDIS_SENTINEL_NAME', { REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'my master' }],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'redis://n:6379' }],
    ['REDIS_CLUSTER_NAT_MAP', { REDIS_CLUSTER_NODES: 'n:6379', REDIS_CLUSTER_NAT_MAP: '10.0.0.1:6379' }],
    ['REDIS_CLUSTER_NAT_MAP', { REDIS_URL: 'redis://redis:6379', REDIS_CLUSTER_NAT_MAP: '10.0.0.1:6379=n:6379' }],
  ] as const)('a bad %s stops the start naming it', (name, env) => {
    expect(refusal(env).message).toContain(name);
  });
});

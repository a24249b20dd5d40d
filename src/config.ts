import { z } from 'zod';
import { languageSchema, type Language } from '../flows/vocabulary';
import { businessHoursSchema, DEFAULT_TIMEZONE, timeZoneSchema, type BusinessHours } from './hours/business-hours';
import { DEPLOYMENT_VARIABLES, hostPortListSchema, natMapSchema, sentinelNameSchema, type RedisDeployment } from './store/redis-deployment';

/** Used only in simulate mode when no token is configured; the caller simulator signs with it too. */
export const SIMULATE_DEV_AUTH_TOKEN = 'simulate-dev-auth-token-not-secret';

export type { Language };

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const seconds = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
/** A whole number within bounds: parsed as `seconds` are. */
const count = seconds;
// Country calling codes SMS may go to, e.g. "86" or "86,852": SMS pumping targets expensive destinations.
const countryCodes = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .default('86')
    .transform((list) => list.split(',').map((code) => code.trim()))
    .pipe(z.array(z.string().regex(/^[1-9]\d{0,2}$/, 'must be country calling codes like 86 or 86,852')).min(1)),
);

/**
 * Which proxies may set X-Forwarded-For (Fastify's `trustProxy`): `false`, `true` (any: only when
 * nothing else can reach the port), a hop count, or a comma-separated list of addresses and CIDRs.
 */
const trustProxySchema = z.string().transform((value, context): boolean | number | string[] => {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry))) return entries;
  context.addIssue({ code: 'custom', message: 'must be true, false, a hop count or a comma-separated list of addresses/CIDRs' });
  return z.NEVER;
});

const envSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  PUBLIC_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  // Exactly one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES (none: the embedded store).
  REDIS_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional()),
  REDIS_SENTINELS: z.preprocess(emptyAsUndefined, hostPortListSchema.optional()),
  REDIS_SENTINEL_NAME: z.preprocess(emptyAsUndefined, sentinelNameSchema.default('mymaster')),
  REDIS_CLUSTER_NODES: z.preprocess(emptyAsUndefined, hostPortListSchema.optional()),
  REDIS_CLUSTER_NAT_MAP: z.preprocess(emptyAsUndefined, natMapSchema.optional()),
  REDIS_KEY_PREFIX: z.preprocess(emptyAsUndefined, z.string().default('hotline:')),
  TWILIO_ACCOUNT_SID: z.preprocess(emptyAsUndefined, z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits').optional()),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_MODE: z.preprocess(emptyAsUndefined, z.enum(['live', 'simulate']).optional()),
  TWILIO_FROM_NUMBER: z.preprocess(emptyAsUndefined, z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number like +8610…').optional()),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  DEFAULT_LANGUAGE: z.preprocess(emptyAsUndefined, languageSchema.default('zh-CN')),
  OVERFLOW_NUMBER: z.preprocess(emptyAsUndefined, z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number like +8610…').optional()),
  SESSION_TTL_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(60).default(4 * 3600)),
  BUSINESS_HOURS: z.preprocess(emptyAsUndefined, z.string().default('mon-fri 09:00-21:00; sat-sun 10:00-18:00').pipe(businessHoursSchema)),
  BUSINESS_TIMEZONE: z.preprocess(emptyAsUndefined, z.string().default(DEFAULT_TIMEZONE).pipe(timeZoneSchema)),
  // A short clip: the wait TwiML announces the caller's position again each time it ends.
  HOLD_MUSIC_URL: z.preprocess(emptyAsUndefined, z.url().default('http://com.twilio.music.classical.s3.amazonaws.com/ClockworkWaltz.mp3')),
  LEASE_SECONDS: seconds(5, 600, 30),
  AGENT_RING_SECONDS: seconds(5, 120, 20),
  CALLBACK_RING_SECONDS: seconds(5, 120, 30),
  BRIDGE_RETRIES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10).default(2)),
  CALLBACK_ATTEMPTS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(10).default(3)),
  CALLBACK_RETRY_SECONDS: seconds(10, 86_400, 120),
  QUEUE_HEARTBEAT_SECONDS: seconds(30, 3600, 180),
  WRAP_UP_WINDOW_SECONDS: seconds(60, 7 * 86_400, 43_200),
  // The wallet core API; without it the demo directory (WALLET_DATA_FILE, default data/demo-wallets.json) is used.
  WALLET_API_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  WALLET_API_TOKEN: optionalString,
  WALLET_DATA_FILE: optionalString,
  // The agents data file (ids, tiers, contact, token hashes); default data/agents.json.
  AGENTS_FILE: optionalString,
  // SPEC §3 limits: wrong PINs (or codes) locking a wallet, wrong PINs per caller ID, SMS.
  IDENTITY_MAX_ATTEMPTS: count(1, 10, 3),
  IDENTITY_LOCK_MINUTES: count(1, 24 * 60, 15),
  PIN_VELOCITY_MAX: count(1, 100, 5),
  PIN_VELOCITY_MINUTES: count(1, 24 * 60, 60),
  SMS_MAX_PER_CALL: count(0, 20, 3),
  SMS_MAX_PER_NUMBER_PER_DAY: count(1, 100, 10),
  SMS_MAX_CODES_PER_WALLET_PER_HOUR: count(1, 50, 5),
  SMS_COUNTRY_CODES: countryCodes,
  // The second listener for staff (agent API, consoles, /docs, /metrics); unset: everything on PORT.
  ADMIN_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  ADMIN_HOST: optionalString,
  // Live mode refuses the demo agents and wallets unless this is true (a trial line).
  ALLOW_DEMO_DATA: z.preprocess(emptyAsUndefined, z.enum(['true', 'false'], { error: 'must be true or false' }).default('false')),
  TRUST_PROXY: z.preprocess(emptyAsUndefined, trustProxySchema.default(false)),
  AGENT_LOGIN_MAX_FAILURES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(10_000).default(10)),
  AGENT_LOGIN_WINDOW_SECONDS: seconds(1, 86_400, 300),
  // Call records (SPEC §5): PostgreSQL, or without it the embedded PostgreSQL under DATA_DIR.
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional()),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.data')),
  RECORDS_RETENTION_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(36_500).default(400)),
  RECORDS_STREAM_MAXLEN: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).default(1_000_000)),
  // Supervisors' service level: the share of live callers an agent answered within this many seconds.
  SERVICE_LEVEL_SECONDS: seconds(1, 3600, 20),
});

export interface Config {
  port: number;
  host: string;
  publicBaseUrl: string;
  /** The Redis deployment every instance shares; undefined: the embedded store (one development process). */
  redis: RedisDeployment | undefined;
  redisKeyPrefix: string;
  twilio: {
    mode: 'live' | 'simulate';
    accountSid: string | undefined;
    authToken: string;
    fromNumber: string;
    /** True when simulate mode fell back to the development token. */
    usingDevToken: boolean;
  };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  defaultLanguage: Language;
  /** Where callers go with `<Dial>` when the hotline cannot serve them itself (store down). */
  overflowNumber: string | undefined;
  /** How long a call's state is kept after its last webhook; also bounds an abandoned call. */
  sessionTtlSeconds: number;
  /** `http`: the wallet core API; `demo`: the demo directory from a data file (relative to the project root). */
  wallet: { kind: 'http'; url: string; token: string } | { kind: 'demo'; dataFile: string | undefined };
  /** When agents take callers (SPEC §4); outside them callers are offered a callback or an SMS. */
  businessHours: BusinessHours;
  businessTimeZone: string;
  holdMusicUrl: string;
  /** The agent leg's lifecycle (SPEC §4.1): leases, rings, retries, heartbeat, wrap-up window. */
  handoff: {
    leaseSeconds: number;
    agentRingSeconds: number;
    callbackRingSeconds: number;
    bridgeRetries: number;
    callbackAttempts: number;
    callbackRetrySeconds: number;
    heartbeatSeconds: number;
    wrapUpWindowSeconds: number;
  };
  /** The agents data file (relative to the project root); undefined: data/agents.json. */
  agentsFile: string | undefined;
  /** Phone identification limits (SPEC §3): the per-wallet lock and the per-caller-ID velocity limit. */
  identity: {
    maxAttempts: number;
    lockMinutes: number;
    velocityMax: number;
    velocityMinutes: number;
  };
  /** SMS limits (SPEC §3), applied by the one SMS gate (src/sms/sms-gate.ts). */
  sms: {
    maxPerCall: number;
    maxPerNumberPerDay: number;
    maxCodesPerWalletPerHour: number;
    countryCodes: string[];
  };
  /** The staff listener (SPEC §5 Operators); `port` undefined: everything on PORT. */
  admin: { port: number | undefined; host: string };
  /** A trial line: live mode may start on the demo agents file or wallet directory (demo tokens stay refused). */
  allowDemoData: boolean;
  /** Fastify's `trustProxy`: whose X-Forwarded-For gives the client address (login rate limit, logs). */
  trustProxy: boolean | number | string[];
  /** Failed agent logins allowed per client address and window before 429. */
  agentLogins: { maxFailures: number; windowSeconds: number };
  /** Call records (SPEC §5): PostgreSQL at `databaseUrl`, or embedded under `dataDir` (relative to the project root). */
  records: { databaseUrl: string | undefined; dataDir: string; retentionDays: number; streamMaxLen: number };
  /** Supervisors' service level (SPEC §5): live callers answered within this many seconds of waiting. */
  serviceLevelSeconds: number;
}

export class ConfigError extends Error {}

/** Parses the environment; a bad or missing value throws a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const hasCredentials = Boolean(e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN);
  const mode = e.TWILIO_MODE ?? (hasCredentials ? 'live' : 'simulate');
  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');

  const redis = redisDeployment(e);

  if (e.WALLET_API_URL && !e.WALLET_API_TOKEN) throw new ConfigError('WALLET_API_TOKEN: required when WALLET_API_URL is set');

  // A lease shorter than the ring would hand the caller to a second agent while the first one's phone still rings.
  if (e.LEASE_SECONDS <= e.AGENT_RING_SECONDS) {
    throw new ConfigError(`LEASE_SECONDS: must be longer than AGENT_RING_SECONDS (${e.LEASE_SECONDS} <= ${e.AGENT_RING_SECONDS})`);
  }

  if (e.ADMIN_PORT !== undefined && e.ADMIN_PORT !== 0 && e.ADMIN_PORT === e.PORT) {
    throw new ConfigError(`ADMIN_PORT: must differ from PORT (${e.PORT}); the admin listener is a second port`);
  }

  if (mode === 'live') {
    if (!e.TWILIO_ACCOUNT_SID) throw new ConfigError('TWILIO_ACCOUNT_SID: required when TWILIO_MODE=live');
    if (!e.TWILIO_AUTH_TOKEN) throw new ConfigError('TWILIO_AUTH_TOKEN: required when TWILIO_MODE=live');
    if (!e.TWILIO_FROM_NUMBER) throw new ConfigError('TWILIO_FROM_NUMBER: required when TWILIO_MODE=live');
    if (!e.PUBLIC_BASE_URL || !publicBaseUrl.startsWith('https://')) {
      throw new ConfigError('PUBLIC_BASE_URL: must be set to an https:// URL when TWILIO_MODE=live');
    }
  }

  return {
    port: e.PORT,
    host: e.HOST,
    publicBaseUrl,
    redis,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    twilio: {
      mode,
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN ?? SIMULATE_DEV_AUTH_TOKEN,
      fromNumber: e.TWILIO_FROM_NUMBER ?? '+10000000000',
      usingDevToken: !e.TWILIO_AUTH_TOKEN,
    },
    logLevel: e.LOG_LEVEL,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    overflowNumber: e.OVERFLOW_NUMBER,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    businessHours: e.BUSINESS_HOURS,
    businessTimeZone: e.BUSINESS_TIMEZONE,
    holdMusicUrl: e.HOLD_MUSIC_URL,
    handoff: {
      leaseSeconds: e.LEASE_SECONDS,
      agentRingSeconds: e.AGENT_RING_SECONDS,
      callbackRingSeconds: e.CALLBACK_RING_SECONDS,
      bridgeRetries: e.BRIDGE_RETRIES,
      callbackAttempts: e.CALLBACK_ATTEMPTS,
      callbackRetrySeconds: e.CALLBACK_RETRY_SECONDS,
      heartbeatSeconds: e.QUEUE_HEARTBEAT_SECONDS,
      wrapUpWindowSeconds: e.WRAP_UP_WINDOW_SECONDS,
    },
    wallet: e.WALLET_API_URL
      ? { kind: 'http', url: e.WALLET_API_URL, token: e.WALLET_API_TOKEN! }
      : { kind: 'demo', dataFile: e.WALLET_DATA_FILE },
    agentsFile: e.AGENTS_FILE,
    identity: {
      maxAttempts: e.IDENTITY_MAX_ATTEMPTS,
      lockMinutes: e.IDENTITY_LOCK_MINUTES,
      velocityMax: e.PIN_VELOCITY_MAX,
      velocityMinutes: e.PIN_VELOCITY_MINUTES,
    },
    sms: {
      maxPerCall: e.SMS_MAX_PER_CALL,
      maxPerNumberPerDay: e.SMS_MAX_PER_NUMBER_PER_DAY,
      maxCodesPerWalletPerHour: e.SMS_MAX_CODES_PER_WALLET_PER_HOUR,
      countryCodes: e.SMS_COUNTRY_CODES,
    },
    admin: { port: e.ADMIN_PORT, host: e.ADMIN_HOST ?? e.HOST },
    allowDemoData: e.ALLOW_DEMO_DATA === 'true',
    trustProxy: e.TRUST_PROXY,
    agentLogins: { maxFailures: e.AGENT_LOGIN_MAX_FAILURES, windowSeconds: e.AGENT_LOGIN_WINDOW_SECONDS },
    records: {
      databaseUrl: e.DATABASE_URL,
      dataDir: e.DATA_DIR,
      retentionDays: e.RECORDS_RETENTION_DAYS,
      streamMaxLen: e.RECORDS_STREAM_MAXLEN,
    },
    serviceLevelSeconds: e.SERVICE_LEVEL_SECONDS,
  };
}

/** The one deployment the environment names; two at once is a start error naming both. */
function redisDeployment(e: z.infer<typeof envSchema>): RedisDeployment | undefined {
  const chosen: RedisDeployment[] = [];
  if (e.REDIS_URL) chosen.push({ kind: 'single', url: e.REDIS_URL });
  if (e.REDIS_SENTINELS) chosen.push({ kind: 'sentinel', sentinels: e.REDIS_SENTINELS, name: e.REDIS_SENTINEL_NAME });
  if (e.REDIS_CLUSTER_NODES) chosen.push({ kind: 'cluster', nodes: e.REDIS_CLUSTER_NODES, natMap: e.REDIS_CLUSTER_NAT_MAP ?? {} });
  if (chosen.length > 1) {
    const names = chosen.map((deployment) => DEPLOYMENT_VARIABLES[deployment.kind]).join(' and ');
    throw new ConfigError(`${names}: set only one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES (one Redis deployment)`);
  }
  if (e.REDIS_CLUSTER_NAT_MAP && !e.REDIS_CLUSTER_NODES) throw new ConfigError('REDIS_CLUSTER_NAT_MAP: only with REDIS_CLUSTER_NODES');
  return chosen[0];
}

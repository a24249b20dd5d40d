import { randomInt } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { RedisClient } from '../../src/store/redis-connection';
import pino from 'pino';
import { buildApp, type AppDeps } from '../../src/app';
import type { Clock } from '../../src/clock';
import { loadConfig, type Config } from '../../src/config';
import { loggerOptions } from '../../src/logging/logger';
import { handoffRules } from '../../src/handoff/handoff-module';
import { CallbackFailures } from '../../src/handoff/callbacks/callback-failures';
import { HandoffSweeper } from '../../src/handoff/handoff-sweeper';
import { HandoffRecords } from '../../src/handoff/record/handoff-records';
import { ManualClock } from './manual-clock';
import { PromptCatalogue } from '../../src/prompts/prompt-catalogue';
import { createMemoryStore, createRedisStore, type Store } from '../../src/stores';
import type { QuotaStore } from '../../src/limits/quota-store';
import { securityEvents } from '../../src/security/security-events';
import { SmsGate } from '../../src/sms/sms-gate';
import { SimulatedTwilioGateway } from '../../src/twilio/simulated-twilio-gateway';
import type { TwilioGateway } from '../../src/twilio/twilio-gateway';
import { TwilioCallDriver, type CallOptions } from '../../scripts/lib/twilio-call-driver';
import { encodeForm, webhookHeaders, type PostForm, type TwilioRequest } from '../../scripts/lib/twilio-form';
import { deletePrefix, testRedis, uniquePrefix } from './redis';

export const TEST_BASE_URL = 'https://hotline.example.test';
export const TEST_AUTH_TOKEN = 'test-auth-token';

export const catalogue = PromptCatalogue.load(path.join(__dirname, '../../prompts'));

export { ManualClock };

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    PUBLIC_BASE_URL: TEST_BASE_URL,
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    TWILIO_MODE: 'simulate',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

/** An SMS gate like the app's (same limits), over `quotas`, for parts of the hotline a test builds by hand. */
export function smsGateFor(twilio: TwilioGateway, quotas: QuotaStore, clock: Clock, config: Config = testConfig()): SmsGate {
  const security = securityEvents(pino({ level: 'silent' }), () => undefined);
  return new SmsGate({ quotas, twilio, catalogue, clock, security, limits: config.sms });
}

/**
 * Posts one webhook to the app in-process, as Twilio would over HTTPS to TEST_BASE_URL; the
 * content type can be spoilt to test refusals. Answers the raw inject response.
 */
export function injectWebhook(app: FastifyInstance, request: TwilioRequest, contentType?: string) {
  return app.inject({
    method: 'POST',
    url: request.url.slice(TEST_BASE_URL.length),
    payload: encodeForm(request.form),
    headers: webhookHeaders(request.signature, contentType),
  });
}

/** The call driver's poster for this app: every webhook in-process. */
export function injectPoster(app: FastifyInstance): PostForm {
  return async (url, form, signature) => {
    const response = await injectWebhook(app, { url, form, signature });
    return { status: response.statusCode, body: response.body };
  };
}

export interface TestHotline {
  app: FastifyInstance;
  config: Config;
  store: Store;
  twilio: SimulatedTwilioGateway;
  clock: ManualClock;
  /** The app's hand-off records (same store, rules and clock), to set up and inspect the queue. */
  records: HandoffRecords;
  /** A waiting caller's 1-based place and queue, or null when not waiting. */
  position(callSid: string): Promise<{ queue: string; position: number; size: number } | null>;
  /** One tick of the hand-off's timers (lapsed leases, ghosts, callback retries and expiries), as every instance runs them. */
  sweep(): ReturnType<HandoffSweeper['sweep']>;
  /** A new call driven through this app's webhooks. */
  call(options?: Partial<CallOptions>): TwilioCallDriver;
  /** An SMS gate over the app's store and gateway (the app's own limits), e.g. for callbacks a test sweeps. */
  sms: SmsGate;
  close(): Promise<void>;
}

export interface TestHotlineOptions {
  store?: 'redis' | 'memory';
  /** Share one Redis prefix between several apps (instances) in a test. */
  prefix?: string;
  redis?: RedisClient;
  clock?: ManualClock;
  env?: Record<string, string>;
  deps?: Partial<AppDeps>;
  logDestination?: pino.DestinationStream;
  logLevel?: string;
}

export async function startTestHotline(options: TestHotlineOptions = {}): Promise<TestHotline> {
  const clock = options.clock ?? new ManualClock();
  const config = testConfig(options.env);
  const ownsRedis = options.store !== 'memory' && !options.redis;
  const redis = options.store === 'memory' ? undefined : (options.redis ?? (await testRedis()));
  const prefix = options.prefix ?? uniquePrefix('app');
  const store = redis ? createRedisStore(redis, prefix) : createMemoryStore(clock);
  const twilio = new SimulatedTwilioGateway(clock);
  const logger = options.logDestination ? pino(loggerOptions(options.logLevel ?? 'debug'), options.logDestination) : pino({ level: 'silent' });
  const deps: AppDeps = { store, twilio, catalogue, clock, logger, ...options.deps };
  const app = await buildApp(config, deps);
  await app.ready();
  // The records the app really keeps: in the store the test handed it, if it did.
  const records = new HandoffRecords(deps.store.handoffs, handoffRules(config), clock);
  const sms = smsGateFor(deps.twilio, deps.store.limits.quotas, clock, config);
  return {
    app,
    config,
    store,
    twilio,
    clock,
    records,
    sms,
    sweep: () => new HandoffSweeper(records, new CallbackFailures(sms, logger), clock, logger).sweep(),
    position: async (callSid) => {
      const record = await records.get(callSid);
      const place = record && (record.state === 'waiting' || record.state === 'callback-waiting') ? await records.position(record) : null;
      return record && place ? { queue: record.queue, ...place } : null;
    },
    call: (callOptions = {}) =>
      new TwilioCallDriver(injectPoster(app), { baseUrl: TEST_BASE_URL, authToken: TEST_AUTH_TOKEN, from: someCaller(), ...callOptions }),
    close: async () => {
      await app.close();
      if (redis && ownsRedis) {
        if (!options.prefix) await deletePrefix(redis, prefix);
        await redis.quit();
      }
    },
  };
}

/**
 * A mobile number of its own for a call that names none: callers are strangers to each other
 * unless a test says otherwise (per-number limits, repeat callers, calls today).
 */
export function someCaller(): string {
  return `+86139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

/**
 * The prompt text of `key` in `language`, with vars, to compare with what the caller heard: a
 * prompt with a phrase of the other language is heard as its voices' Says run together.
 */
export function prompt(key: string, language: 'zh-CN' | 'en-US' = 'zh-CN', vars = {}): string {
  return catalogue
    .speak(language, key, vars)
    .map((segment) => segment.text)
    .join('');
}

import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AdminListener, serveOnlyOn } from './admin/admin-listener';
import { guardAdminScope } from './admin/admin-scope';
import { agentApi, loadConfiguredAgents } from './agent-api/agent-api-plugin';
import type { AgentDirectory } from './agents/agent-directory';
import { CallEngine } from './calls/call-engine';
import { CallsToday } from './calls/calls-today';
import { checkAgentLabels } from './calls/flow-labels';
import { checkFlowPrompts } from './calls/flow-prompts';
import type { HandoffDesk } from './calls/handoff-desk';
import { systemClock, type Clock } from './clock';
import { systemScheduler, type Scheduler } from './scheduler';
import type { Config } from './config';
import { walletUnavailableEffects, type WalletEffectsFactory } from './identity/identity-effects';
import { createLogger } from './logging/logger';
import { AgentLabels } from './prompts/agent-labels';
import type { PromptCatalogue } from './prompts/prompt-catalogue';
import { devRoutes } from './routes/dev-routes';
import { healthRoutes } from './routes/health-routes';
import { queueRoutes } from './routes/queue-routes';
import { voiceRoutes } from './routes/voice-routes';
import type { CallBridge } from './handoff/agent-leg/call-bridge';
import type { HandoffEvents } from './handoff/handoff-events';
import { loggingHandoffEvents } from './handoff/handoff-events';
import { createHandoffModule } from './handoff/handoff-module';
import { HotlineMetrics } from './metrics/hotline-metrics';
import { measureRequests, metricsRoutes } from './routes/metrics-routes';
import { refuseDemoDataWhenLive } from './security/demo-data';
import { securityEvents, type SecurityEvents } from './security/security-events';
import { createRecordsModule } from './records/records-module';
import type { RecordsWorkerTuning } from './records/records-worker';
import type { SqlDatabase } from './records/sql/sql-database';
import { SmsGate } from './sms/sms-gate';
import type { Store } from './stores';
import { SimulatedTwilioGateway } from './twilio/simulated-twilio-gateway';
import type { TwilioGateway } from './twilio/twilio-gateway';
import { TwimlRenderer } from './twilio/twiml-renderer';
import { WebhookUrls } from './twilio/webhook-urls';

export interface AppDeps {
  store: Store;
  twilio: TwilioGateway;
  catalogue: PromptCatalogue;
  clock?: Clock;
  /** Background retries; default real timers. A test with a ManualClock passes one on that clock. */
  scheduler?: Scheduler;
  logger?: Logger;
  /**
   * The wallet's effects (identity, self-service), built with the app's security events and SMS
   * gate; default: every one answers `unavailable`.
   */
  effects?: WalletEffectsFactory;
  desk?: HandoffDesk;
  /** Abandonment, connections, survey answers (metrics); default: logged. */
  handoffEvents?: HandoffEvents;
  /** Who may use the agent API; default AGENTS_FILE or data/agents.json. */
  agents?: AgentDirectory;
  /** Moves calls to and from agents; default: Twilio (REST in live mode, the outbox in simulate mode). */
  bridge?: CallBridge;
  /** The call records' database (PostgreSQL or embedded); without it facts stay in the stream, unwritten. */
  recordsDb?: SqlDatabase;
  /** The records worker's pace (tests shorten its pauses). */
  recordsWorker?: RecordsWorkerTuning;
}

/** Twilio posts are small; anything larger is not Twilio. */
const BODY_LIMIT_BYTES = 64 * 1024;

/** TRUST_PROXY for Fastify: a hop count trusts that many proxies in front (proxy-addr's rule for a number). */
function trustProxy(setting: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/** Builds the hotline around injected dependencies; tests call this with real ones and `inject()`. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const clock = deps.clock ?? systemClock;
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: BODY_LIMIT_BYTES, trustProxy: trustProxy(config.trustProxy) });
  const split = config.admin.port !== undefined;
  app.decorate('adminListener', split ? new AdminListener(app, { port: config.admin.port!, host: config.admin.host }) : null);
  // A menu whose prompts are missing would leave callers in silence: refuse to start instead.
  checkFlowPrompts(deps.catalogue);
  // Agents read the caller's path and what the IVR did as labels: every one must exist in both languages.
  checkAgentLabels(deps.catalogue);
  const urls = new WebhookUrls(config.publicBaseUrl);
  const renderer = new TwimlRenderer(deps.catalogue, urls, config.holdMusicUrl);
  const metrics = new HotlineMetrics({
    ping: () => deps.store.ping(),
    queue: deps.store.handoffs,
    clock,
    replicaShortfalls: () => deps.store.replicaShortfalls(),
    deployment: deps.store.deployment,
  });
  const security: SecurityEvents = securityEvents(logger, (kind) => metrics.countSecurityEvent(kind));
  const callsToday = new CallsToday(deps.store.values, config.businessTimeZone);
  // Every SMS goes through this one gate: menus, codes, reset links, callbacks, agents.
  const sms = new SmsGate({ quotas: deps.store.limits.quotas, twilio: deps.twilio, catalogue: deps.catalogue, clock, security, limits: config.sms });
  measureRequests(app, metrics);

  const agents = deps.agents ?? loadConfiguredAgents(config.agentsFile);
  refuseDemoDataWhenLive(config, agents);
  const records = deps.recordsDb && createRecordsModule({
    stream: deps.store.records,
    database: deps.recordsDb,
    clock,
    log: logger,
    retentionDays: config.records.retentionDays,
    businessHours: config.businessHours,
    timeZone: config.businessTimeZone,
    ...(deps.recordsWorker ? { worker: deps.recordsWorker } : {}),
  });
  // Tests and operations tooling reach the records through the app (`app.getDecorator('records')`).
  app.decorate('records', records ?? null);
  if (records) {
    app.addHook('onReady', async () => records.start());
    app.addHook('onClose', async () => records.stop());
  }
  const handoff = createHandoffModule({
    agents,
    config,
    store: deps.store,
    twilio: deps.twilio,
    sms,
    catalogue: deps.catalogue,
    renderer,
    urls,
    clock,
    scheduler: deps.scheduler ?? systemScheduler,
    log: logger,
    events: deps.handoffEvents ?? metrics.handoffEvents(loggingHandoffEvents(logger)),
    ...(deps.bridge ? { bridge: deps.bridge } : {}),
    ...(records ? { quietHours: records.quietHours } : {}),
  });
  app.addHook('onReady', async () => handoff.sweeper.start());
  app.addHook('onClose', async () => handoff.sweeper.stop());

  const engine = new CallEngine({
    sessions: deps.store.sessions,
    values: deps.store.values,
    effects: { ...handoff.effects, ...(deps.effects?.({ security, sms }) ?? walletUnavailableEffects()) },
    desk: deps.desk ?? handoff.desk,
    sms,
    catalogue: deps.catalogue,
    clock,
    log: logger,
    defaultLanguage: config.defaultLanguage,
    sessionTtlSeconds: config.sessionTtlSeconds,
    events: metrics.callEvents(),
    callsToday,
    records: deps.store.records,
  });

  await app.register(healthRoutes, { store: deps.store, ...(records ? { records: () => records.status() } : {}) });
  await app.register(voiceRoutes, {
    engine,
    renderer,
    publicBaseUrl: config.publicBaseUrl,
    authToken: config.twilio.authToken,
    security,
    defaultLanguage: config.defaultLanguage,
    overflowNumber: config.overflowNumber,
    onCallEnded: async (callSid, status) => {
      // Simulate mode then refuses updates of that call with 21220, as Twilio does.
      deps.twilio.callEnded?.(callSid);
      await handoff.callEnded.ended(callSid, status);
    },
  });
  await app.register(queueRoutes, {
    handoff,
    renderer,
    publicBaseUrl: config.publicBaseUrl,
    authToken: config.twilio.authToken,
    security,
    defaultLanguage: config.defaultLanguage,
    overflowNumber: config.overflowNumber,
  });
  // Everything staff use, in one scope: on the admin listener when ADMIN_PORT is set, behind the
  // security headers and the failed-login limit. The supervisor API and its console go here too.
  await app.register(async (admin) => {
    await guardAdminScope(admin, {
      split,
      live: config.twilio.mode === 'live',
      logins: { values: deps.store.values, clock, security, ...config.agentLogins },
    });
    await admin.register(metricsRoutes, { metrics });
    await admin.register(agentApi, {
      agents,
      records: handoff.records,
      availability: deps.store.availability,
      bridge: handoff.bridge,
      callbackFailures: handoff.callbackFailures,
      clock,
      callsToday,
      labels: new AgentLabels(deps.catalogue, config.businessTimeZone),
      summary: handoff.summary,
      log: logger,
      onClaimed: (record) => metrics.claims.inc({ queue: record.queue }),
      onConversationEnded: (before, after) => handoff.waitingRoom.conversationEnded(before, after),
      lastCalls: handoff.lastCalls,
      estimateWaitMs: handoff.estimateWaitMs,
      timeZone: config.businessTimeZone,
      serviceLevelSeconds: config.serviceLevelSeconds,
      ...(records ? { history: records.history, callRecords: records.records } : {}),
    });
  });
  if (deps.twilio instanceof SimulatedTwilioGateway) {
    const gateway = deps.twilio;
    await app.register(async (webhookPort) => {
      if (split) serveOnlyOn(webhookPort, 'webhook');
      await webhookPort.register(devRoutes, { gateway });
    });
  }
  return app;
}

import type { Logger } from 'pino';
import type { AgentDirectory } from '../agents/agent-directory';
import type { Clock } from '../clock';
import type { Tier } from '../../flows/vocabulary';
import type { Config } from '../config';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import type { Scheduler } from '../scheduler';
import type { SmsSender } from '../sms/sms-gate';
import type { AgentAvailability } from '../agents/agent-availability';
import type { KeyValueStore } from '../store/key-value-store';
import type { HandoffStore } from './record/handoff-store';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import type { TwimlRenderer } from '../twilio/twiml-renderer';
import type { WebhookUrls } from '../twilio/webhook-urls';
import { AgentLegWebhooks } from './agent-leg/agent-leg-webhooks';
import type { CallBridge } from './agent-leg/call-bridge';
import { LastCalls } from './agent-leg/last-calls';
import { TwilioCallBridge } from './agent-leg/twilio-call-bridge';
import { CallEnded } from './call-ended';
import { CallbackFailures } from './callbacks/callback-failures';
import { CallerHistory } from './caller-history';
import { CallerSummary } from './caller-summary';
import { CallLegs } from './call-legs';
import { twilioGhostCheck } from './ghost-check';
import { handoffEffects } from './handoff-effects';
import { loggingHandoffEvents, type HandoffEvents } from './handoff-events';
import { HandoffSweeper } from './handoff-sweeper';
import { QueueDesk } from './queue-desk';
import { HandoffRecords } from './record/handoff-records';
import type { HandoffRules } from './record/handoff-rules';
import { Survey } from './survey/survey';
import { AnnouncementMemory, keyValueAnnouncementStore } from './waiting-room/announcement-memory';
import { readQueuesNow } from './waiting-room/queues-now';
import { StoredWaitSamples } from './waiting-room/stored-wait-samples';
import type { QuietHoursSource } from './waiting-room/quiet-hours-hint';
import { WaitAnnouncer } from './waiting-room/wait-announcer';
import { DEFAULT_WAIT_MODEL } from './waiting-room/wait-estimator';
import { openAt } from './waiting-room/wait-samples';
import { WaitingRoom } from './waiting-room/waiting-room';

/** The parts of the store bundle the hand-off keeps its state in. */
export interface HandoffStores {
  values: KeyValueStore;
  handoffs: HandoffStore;
  availability: AgentAvailability;
}

export interface HandoffModuleDeps {
  config: Config;
  store: HandoffStores;
  twilio: TwilioGateway;
  /** The one SMS gate (callback failures are told by SMS). */
  sms: SmsSender;
  catalogue: PromptCatalogue;
  renderer: TwimlRenderer;
  urls: WebhookUrls;
  clock: Clock;
  /** Background retries (an answer that hit a store blip), on the clock's time. */
  scheduler: Scheduler;
  log: Logger;
  events?: HandoffEvents;
  /** Moves calls to and from agents; default: Twilio (REST in live mode, the outbox in simulate mode). */
  bridge?: CallBridge;
  /** The agents who may take callers, for how many serve each queue now. */
  agents: AgentDirectory;
  /** When waits are usually shortest (from the call records), told to callers facing a long wait. */
  quietHours?: QuietHoursSource;
}

/** SPEC §4.1's timings from configuration. */
export function handoffRules(config: Config): HandoffRules {
  const h = config.handoff;
  return {
    leaseMs: h.leaseSeconds * 1000,
    callbackLeaseMs: (h.callbackRingSeconds + 10) * 1000,
    bridgeRetries: h.bridgeRetries,
    callbackAttempts: h.callbackAttempts,
    callbackRetryMs: h.callbackRetrySeconds * 1000,
    heartbeatMs: h.heartbeatSeconds * 1000,
    wrapUpWindowMs: h.wrapUpWindowSeconds * 1000,
    // Beyond the longest life a record can have: a callback until the end of the next business
    // day (at most a week without opening hours), then the wrap-up window, then reports.
    recordTtlMs: (8 * 86_400 + h.wrapUpWindowSeconds) * 1000,
  };
}

/**
 * The hand-off, built once per app, room by room: the records, the desk and its menu effects,
 * the waiting room, the agent leg (its webhooks and the bridge), callbacks, the survey, the end
 * of a call, and the sweeper of the records' timers.
 */
export function createHandoffModule(deps: HandoffModuleDeps) {
  const { config, store, clock, log } = deps;
  const records = new HandoffRecords(store.handoffs, handoffRules(config), clock);
  const legs = new CallLegs(store.values);
  const events = deps.events ?? loggingHandoffEvents(log);
  const callbackFailures = new CallbackFailures(deps.sms, log);
  const desk = new QueueDesk({
    records,
    history: new CallerHistory(store.values),
    clock,
    businessHours: config.businessHours,
    timeZone: config.businessTimeZone,
    overflowNumber: config.overflowNumber,
    log,
  });
  const open = openAt(config.businessHours, config.businessTimeZone);
  const samples = new StoredWaitSamples(records, open);
  const memory = new AnnouncementMemory(keyValueAnnouncementStore(store.values));
  const announcer = new WaitAnnouncer({
    samples,
    memory,
    queuesNow: (now) => readQueuesNow(deps.agents.list(), store.availability, records, now, DEFAULT_WAIT_MODEL.maxPlaces),
    ...(deps.quietHours ? { quietHours: deps.quietHours } : {}),
  });
  const waitingRoom = new WaitingRoom({
    records,
    announcer,
    memory,
    samples,
    legs,
    events,
    clock,
    businessHours: config.businessHours,
    timeZone: config.businessTimeZone,
    defaultLanguage: config.defaultLanguage,
    log,
  });
  const agentLeg = new AgentLegWebhooks({
    records,
    waitingRoom,
    availability: store.availability,
    callbackFailures,
    events,
    defaultLanguage: config.defaultLanguage,
    log,
    scheduler: deps.scheduler,
  });
  const bridge =
    deps.bridge ??
    new TwilioCallBridge({
      twilio: deps.twilio,
      renderer: deps.renderer,
      urls: deps.urls,
      values: store.values,
      log,
      agentRingSeconds: config.handoff.agentRingSeconds,
      callbackRingSeconds: config.handoff.callbackRingSeconds,
    });
  // In live mode a quiet caller is only closed once Twilio says the call is over (SPEC §4.1).
  const callStatus = deps.twilio.mode === 'live' ? deps.twilio.callStatus?.bind(deps.twilio) : undefined;
  const stillQueued = callStatus && twilioGhostCheck(callStatus, legs);
  return {
    records,
    desk,
    effects: handoffEffects(desk, deps.catalogue, config.businessHours),
    waitingRoom,
    lastCalls: new LastCalls(store.values, records.rules.recordTtlMs),
    /** What the next caller to join `queue` would be told (the supervisors' overview). */
    estimateWaitMs: (queue: Tier, position: number, now: number) => announcer.estimateMs(queue, position, now),
    agentLeg,
    survey: new Survey(records, events, log),
    callEnded: new CallEnded(records, legs, waitingRoom, callbackFailures, log),
    callbackFailures,
    summary: new CallerSummary(deps.sms, deps.catalogue, log),
    bridge,
    sweeper: new HandoffSweeper(records, callbackFailures, clock, log, stillQueued),
  };
}

export type HandoffModule = ReturnType<typeof createHandoffModule>;

import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import type { Store } from '../store/store';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import type { TwimlRenderer } from '../twilio/twiml-renderer';
import type { WebhookUrls } from '../twilio/webhook-urls';
import type { CallOutcomes } from './call-outcomes';
import { CallerHistory } from './caller-history';
import { CallLegs } from './call-legs';
import { handoffEffects } from './handoff-effects';
import { loggingHandoffEvents, type HandoffEvents } from './handoff-events';
import { LeaseSweeper } from './lease-sweeper';
import { QueueAttendant } from './queue-attendant';
import { QueueDesk } from './queue-desk';
import { StoreCallOutcomes } from './store-call-outcomes';
import { TwilioCallBridge } from './twilio-call-bridge';

export interface HandoffModuleDeps {
  config: Config;
  store: Store;
  twilio: TwilioGateway;
  catalogue: PromptCatalogue;
  renderer: TwimlRenderer;
  urls: WebhookUrls;
  clock: Clock;
  log: Logger;
  outcomes?: CallOutcomes;
  events?: HandoffEvents;
}

/** The caller's side of the hand-off, built once per app: desk, menu effects, webhooks, sweeper. */
export function createHandoffModule(deps: HandoffModuleDeps) {
  const { config, store, clock, log } = deps;
  const desk = new QueueDesk({
    queue: store.queue,
    history: new CallerHistory(store.values),
    clock,
    businessHours: config.businessHours,
    timeZone: config.businessTimeZone,
    overflowNumber: config.overflowNumber,
    log,
  });
  const effects = handoffEffects(desk, deps.catalogue, config.businessHours);
  const attendant = new QueueAttendant({
    queue: store.queue,
    legs: new CallLegs(store.values),
    outcomes: deps.outcomes ?? new StoreCallOutcomes(store.values),
    events: deps.events ?? loggingHandoffEvents(log),
    clock,
    defaultLanguage: config.defaultLanguage,
    overflowNumber: config.overflowNumber,
    log,
  });
  return { desk, effects, attendant, sweeper: new LeaseSweeper(store.queue, clock, log) };
}

/** The bridge and outcomes the agent API uses (AppDeps.bridge / AppDeps.outcomes). */
export function createAgentSide(deps: Omit<HandoffModuleDeps, 'outcomes' | 'events'>) {
  const { store } = deps;
  const bridge = new TwilioCallBridge({ twilio: deps.twilio, renderer: deps.renderer, urls: deps.urls, values: store.values, log: deps.log });
  return { bridge, outcomes: new StoreCallOutcomes(store.values) };
}

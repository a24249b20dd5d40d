import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallEvents } from '../calls/call-events';
import type { HandoffEvents } from '../handoff/handoff-events';
import { SECURITY_EVENT_KINDS, type SecurityEventKind } from '../security/security-events';
import { registerScrapeGauges, type ScrapeSources } from './scrape-gauges';

/**
 * The contact centre's numbers for Prometheus (`GET /metrics`). One registry per app, so two
 * apps in one process (tests) do not share counters.
 */
export class HotlineMetrics {
  readonly registry = new Registry();

  readonly calls = new Counter({ name: 'hotline_calls_total', help: 'Calls answered by the IVR', registers: [this.registry] });
  readonly callsEnded = new Counter({
    name: 'hotline_calls_ended_total',
    help: 'Calls ended, by whether they were contained (solved without an agent)',
    labelNames: ['contained'],
    registers: [this.registry],
  });
  readonly menuChoices = new Counter({
    name: 'hotline_menu_choices_total',
    help: 'Keys (or the keys speech stood for) chosen, per menu prompt',
    labelNames: ['prompt', 'key'],
    registers: [this.registry],
  });
  readonly effectResults = new Counter({
    name: 'hotline_effect_results_total',
    help: 'Outcomes of effects the menus requested (identity failures are effect=verifyPin|verifyCode, outcome=invalid|locked)',
    labelNames: ['effect', 'outcome'],
    registers: [this.registry],
  });
  readonly handoffs = new Counter({
    name: 'hotline_handoffs_total',
    help: 'Callers handed towards an agent, by queue and reason',
    labelNames: ['tier', 'reason'],
    registers: [this.registry],
  });
  readonly waitSeconds = new Histogram({
    name: 'hotline_queue_wait_seconds',
    help: 'How long callers waited before an agent answered',
    labelNames: ['queue'],
    buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800],
    registers: [this.registry],
  });
  readonly abandoned = new Counter({
    name: 'hotline_queue_abandoned_total',
    help: 'Callers who hung up while waiting',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  readonly claims = new Counter({
    name: 'hotline_agent_claims_total',
    help: 'Callers taken by agents',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  readonly webhookSeconds = new Histogram({
    name: 'hotline_webhook_duration_seconds',
    help: 'Time to answer a request, per route',
    labelNames: ['route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly securityEvents = new Counter({
    name: 'hotline_security_events_total',
    help: 'Security events: lockouts, velocity and SMS refusals, signature failures, demo tokens, failed agent logins',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  constructor(sources?: ScrapeSources) {
    collectDefaultMetrics({ register: this.registry });
    // Every kind is exported from the start, so an alert on a rate sees 0 rather than nothing.
    for (const kind of SECURITY_EVENT_KINDS) this.securityEvents.inc({ kind }, 0);
    if (sources) registerScrapeGauges(this.registry, sources);
  }

  countSecurityEvent(kind: SecurityEventKind): void {
    this.securityEvents.inc({ kind });
  }

  /** The engine's events, counted. */
  callEvents(): CallEvents {
    return {
      callStarted: () => this.calls.inc(),
      menuChoice: (prompt, key) => this.menuChoices.inc({ prompt, key }),
      effectResult: (effect, outcome) => this.effectResults.inc({ effect, outcome }),
      handedOff: (handoff) => this.handoffs.inc({ tier: handoff.tier, reason: handoff.reason }),
      callEnded: (contained) => this.callsEnded.inc({ contained: String(contained) }),
    };
  }

  /** The hand-off's events, counted, then passed on to `next` (the log). */
  handoffEvents(next: HandoffEvents): HandoffEvents {
    return {
      onAbandoned: (event) => {
        this.abandoned.inc({ queue: event.queue });
        next.onAbandoned(event);
      },
      onConnected: (event) => {
        this.waitSeconds.observe({ queue: event.queue }, event.waitedMs / 1000);
        next.onConnected(event);
      },
      onBridgeFailed: (event) => next.onBridgeFailed(event),
      onSurvey: (event) => next.onSurvey(event),
    };
  }
}

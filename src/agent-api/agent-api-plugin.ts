import swagger from '@fastify/swagger';
import { STATUS_CODES } from 'node:http';
import path from 'node:path';
import type { FastifyError, FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { AgentAvailability } from '../agents/agent-availability';
import { defaultAgentsFile, loadAgentDirectory, type AgentDirectory } from '../agents/agent-directory';
import type { Clock } from '../clock';
import type { Logger } from 'pino';
import type { CallsToday } from '../calls/calls-today';
import type { CallBridge } from '../handoff/agent-leg/call-bridge';
import type { LastCalls } from '../handoff/agent-leg/last-calls';
import type { CallbackFailures } from '../handoff/callbacks/callback-failures';
import type { CallerSummary } from '../handoff/caller-summary';
import type { AgentLabels } from '../prompts/agent-labels';
import type { HandoffRecords } from '../handoff/record/handoff-records';
import { projectRoot } from '../project-root';
import type { CallHistory } from '../records/call-history';
import type { CallRecordsDb } from '../records/call-records-db';
import { isStoreUnavailable } from '../store/store-unavailable';
import { DayReports } from './supervisor/day-reports';
import type { FloorDeps } from './supervisor/floor';
import { SupervisorOverview } from './supervisor/overview';
import { OverviewEventHub } from './supervisor/overview-events';
import { overviewRoutes } from './supervisor/overview-routes';
import { supervisorRoutes } from './supervisor/supervisor-routes';
import { AgentEventHub } from './agent-events';
import { agentRoutes } from './agent-routes';
import { AgentWork, type AgentWorkDeps } from './agent-work';
import { consoleRoutes } from './console-routes';
import { docsRoutes } from './docs-routes';

export interface AgentApiOptions {
  agents: AgentDirectory;
  records: HandoffRecords;
  availability: AgentAvailability;
  bridge: CallBridge;
  callbackFailures: CallbackFailures;
  clock: Clock;
  /** "Earlier calls today" in the claim's context. */
  callsToday: CallsToday;
  /** The caller's context (intent, journey, self-service) in each agent's language. */
  labels: AgentLabels;
  /** Texts an agent's wrap-up summary to the caller. */
  summary: CallerSummary;
  log: Logger;
  onClaimed?: AgentWorkDeps['onClaimed'];
  onConversationEnded?: AgentWorkDeps['onConversationEnded'];
  /** The caller's earlier calls, from the call records (SPEC §5 `history`). */
  history?: CallHistory;
  /** The call records supervisors read (SPEC §5 "Supervisors and call records"). */
  callRecords?: CallRecordsDb;
  /** Each agent's last call: their claims note it, the supervisors' overview reads it. */
  lastCalls: LastCalls;
  /** The wait the waiting room would tell a caller joining a queue now (the supervisors' overview). */
  estimateWaitMs: FloorDeps['estimateWaitMs'];
  /** The supervisors' day (BUSINESS_TIMEZONE) and service level (SERVICE_LEVEL_SECONDS). */
  timeZone: string;
  serviceLevelSeconds: number;
}

/** AGENTS_FILE (relative to the project root) or data/agents.json; a bad file stops the start. */
export function loadConfiguredAgents(agentsFile: string | undefined): AgentDirectory {
  return loadAgentDirectory(agentsFile ? path.resolve(projectRoot(), agentsFile) : defaultAgentsFile());
}

/**
 * The agent API (SPEC §5), its OpenAPI document at /docs and the console at /console.
 *
 * Registered WITHOUT fastify-plugin on purpose: the zod compilers, swagger's route collection and
 * the JSON error handler stay inside this encapsulated context, so Twilio's webhook routes (form
 * bodies, TwiML answers, never a JSON error) neither change nor show up in the document.
 */
export async function agentApi(app: FastifyInstance, options: AgentApiOptions): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Hotline agent API',
        description: 'Take waiting callers, escalate them to tier 2 and wrap calls up (SPEC §5).',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'The per-agent token from the agents file' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(docsRoutes);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const problems = error.validation.map((issue) => {
        const where = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
        return where ? `${where}: ${issue.message}` : issue.message;
      });
      return reply.code(400).send({ error: 'Bad Request', message: `${error.validationContext ?? 'request'}: ${problems.join('; ')}` });
    }
    // Malformed JSON, wrong content type, body too large: Fastify's own 4xx, kept with its message.
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: STATUS_CODES[error.statusCode] ?? 'Bad Request', message: error.message });
    }
    // The store is down or failing over: the desk may try again in a moment (never a bare 500).
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, 'agent API request refused: the call store is unavailable');
      return reply.code(503).header('retry-after', '2').send({ error: 'Service Unavailable', message: 'The call store is unavailable; try again in a few seconds' });
    }
    request.log.error({ err: error }, 'agent API request failed');
    return reply.code(500).send({ error: 'Internal Server Error', message: 'Something went wrong; try again' });
  });

  const overview = new SupervisorOverview({
    floor: { records: options.records, availability: options.availability, agents: options.agents, lastCalls: options.lastCalls, estimateWaitMs: options.estimateWaitMs },
    reports: new DayReports({ db: options.callRecords?.db, timeZone: options.timeZone, serviceLevelSeconds: options.serviceLevelSeconds, clock: options.clock, log: options.log }),
    clock: options.clock,
    timeZone: options.timeZone,
    serviceLevelSeconds: options.serviceLevelSeconds,
  });
  const overviewEvents = new OverviewEventHub(overview, options.records, options.log);
  // Supervisors see an agent's availability change at once (on this instance; others within a refresh).
  const availability: AgentAvailability = {
    set: async (agentId, available) => {
      await options.availability.set(agentId, available);
      overviewEvents.changed();
    },
    isAvailable: (agentId) => options.availability.isAvailable(agentId),
    listAvailable: () => options.availability.listAvailable(),
  };
  const work = new AgentWork({
    records: options.records,
    availability,
    lastCalls: options.lastCalls,
    bridge: options.bridge,
    callbackFailures: options.callbackFailures,
    callsToday: options.callsToday,
    clock: options.clock,
    summary: options.summary,
    ...(options.onClaimed ? { onClaimed: options.onClaimed } : {}),
    ...(options.onConversationEnded ? { onConversationEnded: options.onConversationEnded } : {}),
  });
  const events = new AgentEventHub(options.records, options.labels, options.clock, options.log);
  // Open event streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    events.stop();
    overviewEvents.stop();
  });
  await app.register(agentRoutes, {
    agents: options.agents,
    work,
    records: options.records,
    events,
    availability,
    labels: options.labels,
    clock: options.clock,
    ...(options.history ? { history: options.history } : {}),
  });
  await app.register(supervisorRoutes, {
    agents: options.agents,
    clock: options.clock,
    ...(options.callRecords ? { callRecords: options.callRecords } : {}),
  });
  await app.register(overviewRoutes, { agents: options.agents, overview, events: overviewEvents });
  await app.register(consoleRoutes);
}

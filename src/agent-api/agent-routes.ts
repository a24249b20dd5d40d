import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AgentAvailability } from '../agents/agent-availability';
import type { AgentDirectory } from '../agents/agent-directory';
import type { Clock } from '../clock';
import type { HandoffRecord } from '../handoff/record/handoff-record';
import type { HandoffRecords } from '../handoff/record/handoff-records';
import type { Language } from '../../flows/vocabulary';
import type { AgentLabels } from '../prompts/agent-labels';
import type { AgentEventHub } from './agent-events';
import { callerOf, handoffCall, queuesBody } from './agent-views';
import { agentAuthentication } from './agent-auth';
import {
  availabilityBodySchema,
  availabilityResponseSchema,
  callParamsSchema,
  claimResponseSchema,
  errorSchema,
  escalationBodySchema,
  escalationResponseSchema,
  handoffCallSchema,
  queuesResponseSchema,
  wrapUpBodySchema,
  wrapUpSummarySchema,
} from './agent-api-schemas';
import type { AgentWork, CallActionResult } from './agent-work';
import type { CallHistory } from '../records/call-history';

export interface AgentRoutesOptions {
  agents: AgentDirectory;
  work: AgentWork;
  records: HandoffRecords;
  events: AgentEventHub;
  availability: AgentAvailability;
  labels: AgentLabels;
  clock: Clock;
  history?: Pick<CallHistory, 'earlierCalls'>;
}

const security = [{ bearerAuth: [] }];
const tags = ['agents'];
const noContent = z.null();

/** 403/404/502 for an action on a call; `onDone` answers the success. */
function answerCallAction<T>(reply: FastifyReply, result: CallActionResult<T>, onDone: (value: T) => FastifyReply): FastifyReply {
  switch (result.kind) {
    case 'done':
      return onDone(result.value);
    case 'not-found':
      return reply.code(404).send({ error: 'Not Found', message: 'No such call is waiting for or talking to an agent' });
    case 'not-yours':
      return reply.code(403).send({ error: 'Forbidden', message: 'This call is not yours' });
    case 'conflict':
      return reply.code(409).send({ error: 'Conflict', message: `The call is ${result.state}: this step no longer applies` });
    case 'bridge-failed':
      return reply.code(502).send({ error: 'Bad Gateway', message: 'Twilio refused to move the call; try again or tell a supervisor' });
  }
}

/** The five calls of SPEC §5 "Agents", every one behind the bearer token. */
export const agentRoutes: FastifyPluginAsyncZod<AgentRoutesOptions> = async (app, options) => {
  const { work, records, availability, labels, clock } = options;
  /** The caller's earlier calls, or nothing when the records cannot tell in time (never fails the answer). */
  const history = async (record: HandoffRecord, language: Language) => {
    const calls = await options.history?.earlierCalls(record);
    return calls ? { history: calls.map((call) => ({ ...call, intentLabel: call.intent ? labels.path(language, call.intent) : null })) } : {};
  };
  const auth = agentAuthentication(options.agents);
  app.addHook('onRequest', auth.onRequest);
  const unauthorized = { 401: errorSchema.describe('Missing or invalid bearer token') };

  app.get(
    '/agent/queues',
    {
      schema: {
        tags,
        security,
        summary: 'Every queue with its waiting callers, in order',
        description: 'Also tells who the token belongs to and whether they are available, so a console can show it.',
        response: {
          200: queuesResponseSchema.extend({
            agent: z.object({ id: z.string(), name: z.string(), tiers: z.array(z.enum(['tier1', 'tier2'])), available: z.boolean() }),
          }),
          ...unauthorized,
        },
      },
    },
    async (request) => {
      const agent = auth.agentOf(request);
      const queues = await queuesBody(records, clock.now());
      const available = await availability.isAvailable(agent.id);
      return { agent: { id: agent.id, name: agent.name, tiers: agent.tiers, available }, queues };
    },
  );

  app.put(
    '/agent/availability',
    {
      schema: {
        tags,
        security,
        summary: "Sets one's own availability for the next caller",
        body: availabilityBodySchema,
        response: { 200: availabilityResponseSchema, 400: errorSchema, ...unauthorized },
      },
    },
    async (request) => {
      const agent = auth.agentOf(request);
      await availability.set(agent.id, request.body.available);
      return { agentId: agent.id, available: request.body.available };
    },
  );

  app.post(
    '/agent/claims',
    {
      schema: {
        tags,
        security,
        summary: 'Takes the next caller from the queues one serves (highest tier first) and connects the call',
        description:
          'The caller is bridged to the agent (a <Dial> to the agent, or a call back for callers who asked for one). ' +
          'An agent marked unavailable, or still holding a caller (wrap up or escalate first), gets 409. If Twilio refuses the bridge the caller goes back to the front and the answer is 502.',
        response: {
          200: claimResponseSchema,
          204: noContent.describe('Nobody waits'),
          ...unauthorized,
          409: errorSchema.describe('The agent is marked unavailable, or still holds a caller'),
          502: errorSchema.describe('Twilio refused the bridge; the caller is back at the front of the queue'),
        },
      },
    },
    async (request, reply) => {
      const agent = auth.agentOf(request);
      const result = await work.claimNext(agent, request.log);
      switch (result.kind) {
        case 'nobody-waiting':
          return reply.code(204).send(null);
        case 'unavailable':
          return reply
            .code(409)
            .send({ error: 'Conflict', message: 'You are marked unavailable: PUT /agent/availability {"available": true} first' });
        case 'busy':
          return reply.code(409).send({
            error: 'Conflict',
            message: `You are still holding caller ${result.callSid}: wrap up or escalate that call first`,
          });
        case 'bridge-failed':
          return reply.code(502).send({
            error: 'Bad Gateway',
            message: result.terminal
              ? 'Twilio refused the call for good (the caller is gone or the number cannot be called); take the next caller'
              : 'Could not connect the caller to you; the caller is back in line',
          });
        case 'claimed': {
          const { record: call, waitedMs } = result.claim;
          return reply.code(200).send({
            callSid: call.callSid,
            queue: call.queue,
            caller: callerOf(call),
            language: call.language,
            identityLevel: call.identityLevel,
            walletId: call.walletId,
            intent: call.intent,
            subject: call.subject,
            priority: call.priority,
            callbackRequested: call.callbackAsked,
            note: call.note,
            secondsWaited: Math.floor(waitedMs / 1000),
            earlierCallsToday: result.earlierCallsToday,
            ...labels.context(agent.language, call),
            ...(await history(call, agent.language)),
          });
        }
      }
    },
  );

  app.post(
    '/agent/calls/:callSid/escalation',
    {
      schema: {
        tags,
        security,
        summary: "Moves one's connected caller to the front of tier2, with a note",
        params: callParamsSchema,
        body: escalationBodySchema,
        response: {
          200: escalationResponseSchema,
          400: errorSchema,
          ...unauthorized,
          403: errorSchema.describe('Not your call'),
          404: errorSchema.describe('Unknown call'),
          409: errorSchema.describe('The call is not connected (already wrapped up, escalated, or still ringing)'),
          502: errorSchema.describe('Queued in tier2, but Twilio refused to move the call'),
        },
      },
    },
    async (request, reply) => {
      const result = await work.escalate(auth.agentOf(request), request.params.callSid, request.body.note, request.log);
      return answerCallAction(reply, result, () => reply.code(200).send({ callSid: request.params.callSid, queue: 'tier2', escalated: true }));
    },
  );

  app.post(
    '/agent/calls/:callSid/wrap-up',
    {
      schema: {
        tags,
        security,
        summary: "Closes one's call; the caller then hears the satisfaction survey (and gets the summary by SMS, when one is given)",
        params: callParamsSchema,
        body: wrapUpBodySchema,
        response: {
          200: wrapUpSummarySchema.describe('Wrap-up stored, with a summary: what became of its SMS'),
          204: noContent.describe('Wrap-up stored, without a summary (or this very wrap-up was stored before); the caller hears the survey if still on the line'),
          400: errorSchema,
          ...unauthorized,
          403: errorSchema.describe('Not your call'),
          404: errorSchema.describe('Unknown call'),
          409: errorSchema.describe('Already wrapped up differently or escalated, or the wrap-up window has passed'),
        },
      },
    },
    async (request, reply) => {
      const result = await work.wrapUp(auth.agentOf(request), request.params.callSid, request.body, request.log);
      return answerCallAction(reply, result, (summarySms) => (summarySms === null ? reply.code(204).send(null) : reply.code(200).send({ summarySms })));
    },
  );

  app.get(
    '/agent/calls/:callSid',
    {
      schema: {
        tags,
        security,
        summary: 'The hand-off record of a call one holds or held',
        params: callParamsSchema,
        response: {
          200: handoffCallSchema,
          ...unauthorized,
          403: errorSchema.describe('A call this agent never held'),
          404: errorSchema.describe('No record of this call'),
        },
      },
    },
    async (request, reply) => {
      const agent = auth.agentOf(request);
      const result = await work.call(agent, request.params.callSid);
      const earlier = result.kind === 'done' ? await history(result.value, agent.language) : {};
      return answerCallAction(reply, result, (record) => reply.code(200).send({ ...handoffCall(record, labels, agent.language), ...earlier }));
    },
  );

  app.get(
    '/agent/events',
    {
      schema: {
        tags,
        security,
        summary: 'Server-Sent Events: `queues` whenever a queue changes, `call` whenever one of your calls changes state',
        description:
          'text/event-stream. The token may also be given as `?token=` (EventSource cannot send headers). ' +
          'The first events are the current queues and your current call; a comment line every 15 s keeps the stream open.',
        querystring: z.object({ token: z.string().optional().describe('The bearer token, for EventSource') }),
        response: { ...unauthorized },
      },
    },
    async (request, reply) => {
      await options.events.stream(auth.agentOf(request), request, reply);
      return reply;
    },
  );
};

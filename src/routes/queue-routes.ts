import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Language } from '../config';
import type { HandoffModule } from '../handoff/handoff-module';
import { answer, type Answer, type Delivery } from '../twilio/answer';
import { acceptTwilioWebhooks, parseWebhook } from '../twilio/twilio-webhooks';
import type { SecurityEvents } from '../security/security-events';
import type { TwimlRenderer } from '../twilio/twiml-renderer';
import { agentLegQuery, callFields, dialEndedFields, gatherFields, queueLeftFields, surveyQuery } from '../twilio/webhook-bodies';

export interface QueueRoutesOptions {
  handoff: HandoffModule;
  renderer: TwimlRenderer;
  publicBaseUrl: string;
  authToken: string;
  defaultLanguage: Language;
  overflowNumber: string | undefined;
  /** Signature failures are security events (SPEC §3). */
  security?: SecurityEvents;
}

/**
 * The webhooks of the wait for a human and of the agent's call, signed like every other Twilio
 * webhook. Every signed request gets 200 TwiML; when something inside fails the caller is kept,
 * not dropped (see each fallback).
 */
export async function queueRoutes(app: FastifyInstance, options: QueueRoutesOptions): Promise<void> {
  const { handoff, renderer } = options;
  await acceptTwilioWebhooks(app, options);

  async function reply(request: FastifyRequest, response: FastifyReply, delivery: Delivery, work: () => Promise<Answer>, fallback: () => Answer) {
    let xml: string;
    try {
      xml = renderer.render(await work(), delivery);
    } catch (error) {
      request.log.error({ err: error }, 'hand-off webhook failed inside; using its fallback');
      xml = renderer.render(fallback(), delivery);
    }
    return response.type('text/xml; charset=utf-8').send(xml);
  }

  /** The posted fields and the query the server wrote into the URL; null once a 4xx is answered. */
  function fieldsAndQuery<B extends z.ZodType, Q extends z.ZodType>(bodySchema: B, querySchema: Q, request: FastifyRequest, response: FastifyReply) {
    const body = parseWebhook(bodySchema, request.body, request, response);
    const query = body && parseWebhook(querySchema, request.query, request, response);
    return body && query ? { body, query } : null;
  }

  /** When the hand-off cannot hold the caller: a person on the overflow line, or an apology. */
  const lost = (language: Language): Answer =>
    options.overflowNumber
      ? answer(language, [{ key: 'queue.overflow' }], { kind: 'dial', number: options.overflowNumber })
      : answer(language, [{ key: 'error.apology' }, { key: 'call.goodbye' }], { kind: 'hangup' });
  // While waiting, a failure only skips one announcement: the caller keeps waiting, with music.
  const keepWaiting = () => answer(options.defaultLanguage, [], { kind: 'hold' });
  const toOverflow = () => lost(options.defaultLanguage);
  // The conversation matters more than the bookkeeping: the agent's leg connects anyway.
  const connectAnyway = () => answer(options.defaultLanguage, [], { kind: 'done' });

  app.post('/voice/queue/wait', async (request, response) => {
    const body = parseWebhook(callFields, request.body, request, response);
    if (!body) return response;
    return reply(request, response, 'waitUrl', () => handoff.waitingRoom.wait(body.CallSid), keepWaiting);
  });

  app.post('/voice/queue/wait-key', async (request, response) => {
    const body = parseWebhook(gatherFields, request.body, request, response);
    if (!body) return response;
    return reply(request, response, 'waitUrl', () => handoff.waitingRoom.waitKey(body.CallSid, body.Digits ?? ''), keepWaiting);
  });

  app.post('/voice/queue/left', async (request, response) => {
    const body = parseWebhook(queueLeftFields, request.body, request, response);
    if (!body) return response;
    return reply(request, response, 'webhook', () => handoff.waitingRoom.left(body.CallSid, body.QueueResult, lost), toOverflow);
  });

  app.post('/voice/agent/answered', async (request, response) => {
    const parsed = fieldsAndQuery(callFields, agentLegQuery, request, response);
    if (!parsed) return response;
    const { query } = parsed;
    return reply(request, response, 'webhook', () => handoff.agentLeg.agentAnswered(query.call, query.agent, query.token, query.waited), connectAnyway);
  });

  app.post('/voice/agent/dial-ended', async (request, response) => {
    const parsed = fieldsAndQuery(dialEndedFields, agentLegQuery, request, response);
    if (!parsed) return response;
    const { body, query } = parsed;
    const language = query.lang ?? options.defaultLanguage;
    // The store failed mid-way (a failover): a conversation that took place ends with the survey as
    // it would have (its answer is kept once the store is back); anything else goes to a person, or an apology.
    const afterFailure = () =>
      body.DialCallStatus === 'completed' && body.CallStatus === 'in-progress'
        ? answer(language, [], { kind: 'survey', callSid: query.call, attempt: 1 })
        : lost(language);
    return reply(
      request,
      response,
      'webhook',
      () =>
        handoff.agentLeg.dialEnded(
          { legSid: body.CallSid, callSid: query.call, agentId: query.agent, token: query.token },
          { dial: body.DialCallStatus, caller: body.CallStatus },
          lost,
        ),
      afterFailure,
    );
  });

  app.post('/voice/survey', async (request, response) => {
    const parsed = fieldsAndQuery(gatherFields, surveyQuery, request, response);
    if (!parsed) return response;
    const { body, query } = parsed;
    return reply(
      request,
      response,
      'webhook',
      () => handoff.survey.answered(query.call, query.attempt, query.lang, body.Digits || undefined),
      () => answer(query.lang, [{ key: 'call.goodbye' }], { kind: 'hangup' }),
    );
  });
}

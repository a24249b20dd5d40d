import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../config';
import type { QueueAttendant } from '../handoff/queue-attendant';
import type { Answer, Delivery } from '../twilio/answer';
import type { TwimlRenderer } from '../twilio/twiml-renderer';
import { acceptTwilioWebhooks, parseWebhook } from '../twilio/twilio-webhooks';
import { agentLegQuery, callFields, dialEndedFields, gatherFields, queueLeftFields, surveyQuery } from '../twilio/webhook-bodies';

export interface QueueRoutesOptions {
  attendant: QueueAttendant;
  renderer: TwimlRenderer;
  publicBaseUrl: string;
  authToken: string;
  defaultLanguage: Language;
}

/**
 * The webhooks of the wait for a human and of the agent's call, signed like every other Twilio
 * webhook. Every signed request gets 200 TwiML; when something inside fails the caller is kept,
 * not dropped (see each fallback).
 */
export async function queueRoutes(app: FastifyInstance, options: QueueRoutesOptions): Promise<void> {
  const { attendant, renderer } = options;
  await acceptTwilioWebhooks(app, options);

  async function answer(request: FastifyRequest, reply: FastifyReply, delivery: Delivery, work: () => Promise<Answer>, fallback: () => Answer) {
    let xml: string;
    try {
      xml = renderer.render(await work(), delivery);
    } catch (error) {
      request.log.error({ err: error }, 'hand-off webhook failed inside; using its fallback');
      xml = renderer.render(fallback(), delivery);
    }
    return reply.type('text/xml; charset=utf-8').send(xml);
  }

  // While waiting, a failure only skips one announcement: the caller keeps waiting, with music.
  const keepWaiting = () => attendant.holdOn(options.defaultLanguage);
  const toOverflow = () => attendant.lost(options.defaultLanguage);

  app.post('/voice/queue/wait', async (request, reply) => {
    const body = parseWebhook(callFields, request.body, request, reply);
    if (!body) return reply;
    return answer(request, reply, 'waitUrl', () => attendant.wait(body.CallSid), keepWaiting);
  });

  app.post('/voice/queue/wait-key', async (request, reply) => {
    const body = parseWebhook(gatherFields, request.body, request, reply);
    if (!body) return reply;
    return answer(request, reply, 'waitUrl', () => attendant.waitKey(body.CallSid, body.Digits ?? ''), keepWaiting);
  });

  app.post('/voice/queue/left', async (request, reply) => {
    const body = parseWebhook(queueLeftFields, request.body, request, reply);
    if (!body) return reply;
    return answer(request, reply, 'webhook', () => attendant.left(body.CallSid, body.QueueResult), toOverflow);
  });

  app.post('/voice/agent/answered', async (request, reply) => {
    const body = parseWebhook(callFields, request.body, request, reply);
    const query = body && parseWebhook(agentLegQuery, request.query, request, reply);
    if (!query) return reply;
    return answer(request, reply, 'webhook', () => attendant.agentAnswered(query.call, query.agent, query.waited), () => attendant.connectAnyway());
  });

  app.post('/voice/agent/dial-ended', async (request, reply) => {
    const body = parseWebhook(dialEndedFields, request.body, request, reply);
    const query = body && parseWebhook(agentLegQuery, request.query, request, reply);
    if (!body || !query) return reply;
    return answer(request, reply, 'webhook', () => attendant.dialEnded(body.CallSid, query.call, query.agent, body.DialCallStatus), toOverflow);
  });

  app.post('/voice/survey', async (request, reply) => {
    const body = parseWebhook(gatherFields, request.body, request, reply);
    const query = body && parseWebhook(surveyQuery, request.query, request, reply);
    if (!body || !query) return reply;
    return answer(
      request,
      reply,
      'webhook',
      () => attendant.survey(query.call, query.attempt, query.lang, body.Digits || undefined),
      () => attendant.goodbye(query.lang),
    );
  });
}

import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Language } from '../config';
import type { QueueAttendant } from '../handoff/queue-attendant';
import { twilioSignatureCheck } from '../twilio/signature-check';
import { agentLegQuery, callFields, dialEndedFields, gatherFields, queueLeftFields, surveyQuery } from '../twilio/webhook-bodies';

export interface QueueRoutesOptions {
  attendant: QueueAttendant;
  publicBaseUrl: string;
  authToken: string;
  defaultLanguage: Language;
}

/**
 * The webhooks of the wait for a human and of the agent's call, signed like every other Twilio
 * webhook (this plugin's own signature hook). Every signed request gets 200 TwiML; when something
 * inside fails the caller is kept, not dropped (see each fallback).
 */
export async function queueRoutes(app: FastifyInstance, options: QueueRoutesOptions): Promise<void> {
  const { attendant } = options;
  await app.register(formbody);
  app.addHook('preValidation', twilioSignatureCheck(options.publicBaseUrl, options.authToken));

  function parse<T extends z.ZodType>(schema: T, value: unknown, reply: FastifyReply): z.infer<T> | null {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    void reply.code(400).send({ error: 'bad webhook request', issues: parsed.error.issues.map((issue) => issue.path.join('.')) });
    return null;
  }

  async function answer(request: FastifyRequest, reply: FastifyReply, work: () => Promise<string>, fallback: () => string) {
    let xml: string;
    try {
      xml = await work();
    } catch (error) {
      request.log.error({ err: error }, 'hand-off webhook failed inside; using its fallback');
      xml = fallback();
    }
    return reply.type('text/xml; charset=utf-8').send(xml);
  }

  // While waiting, a failure only skips one announcement: the caller keeps waiting, with music.
  const keepWaiting = () => attendant.holdOn(options.defaultLanguage);
  const toOverflow = () => attendant.lost(options.defaultLanguage);

  app.post('/voice/queue/wait', async (request, reply) => {
    const body = parse(callFields, request.body, reply);
    if (!body) return reply;
    return answer(request, reply, () => attendant.wait(body.CallSid), keepWaiting);
  });

  app.post('/voice/queue/wait-key', async (request, reply) => {
    const body = parse(gatherFields, request.body, reply);
    if (!body) return reply;
    return answer(request, reply, () => attendant.waitKey(body.CallSid, body.Digits ?? ''), keepWaiting);
  });

  app.post('/voice/queue/left', async (request, reply) => {
    const body = parse(queueLeftFields, request.body, reply);
    if (!body) return reply;
    return answer(request, reply, () => attendant.left(body.CallSid, body.QueueResult), toOverflow);
  });

  app.post('/voice/agent/answered', async (request, reply) => {
    const body = parse(callFields, request.body, reply);
    const query = body && parse(agentLegQuery, request.query, reply);
    if (!query) return reply;
    return answer(request, reply, () => attendant.agentAnswered(query.call, query.agent, query.waited), () => attendant.connectAnyway());
  });

  app.post('/voice/agent/dial-ended', async (request, reply) => {
    const body = parse(dialEndedFields, request.body, reply);
    const query = body && parse(agentLegQuery, request.query, reply);
    if (!body || !query) return reply;
    return answer(request, reply, () => attendant.dialEnded(body.CallSid, query.call, query.agent, body.DialCallStatus), toOverflow);
  });

  app.post('/voice/survey', async (request, reply) => {
    const body = parse(gatherFields, request.body, reply);
    const query = body && parse(surveyQuery, request.query, reply);
    if (!body || !query) return reply;
    return answer(
      request,
      reply,
      () => attendant.survey(query.call, query.attempt, query.lang, body.Digits || undefined),
      () => attendant.goodbye(query.lang),
    );
  });
}

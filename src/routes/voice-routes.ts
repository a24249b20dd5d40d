import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { CallEngine } from '../calls/call-engine';
import type { CallIdentity, CallerInput } from '../calls/call-input';
import type { Language } from '../config';
import { answer as answerWith, type Answer } from '../twilio/answer';
import type { SecurityEvents } from '../security/security-events';
import type { TwimlRenderer } from '../twilio/twiml-renderer';
import { acceptTwilioWebhooks, parseWebhook } from '../twilio/twilio-webhooks';
import { attemptQuery, callFields, gatherFields, revisionQuery, statusFields, UNREADABLE_SPEECH } from '../twilio/webhook-bodies';

export interface VoiceRoutesOptions {
  engine: CallEngine;
  renderer: TwimlRenderer;
  publicBaseUrl: string;
  authToken: string;
  defaultLanguage: Language;
  overflowNumber?: string;
  /** Signature failures are security events (SPEC §3). */
  security?: SecurityEvents;
  /** Told of every ended call that went towards an agent, so a waiting caller leaves the queue at once. */
  onCallEnded?: (callSid: string, status: string) => Promise<void>;
}

/** How often a caller hears "please hold on" while the server retries after an inner failure. */
const MAX_RECOVERY_ATTEMPTS = 3;
/**
 * What the caller did at a Gather. Entry gathers (PIN, code, number) post even an empty result:
 * `#` pressed alone is the back key, and nothing at all is silence.
 */
function callerInput(body: z.infer<typeof gatherFields>): CallerInput {
  if (body.SpeechResult === UNREADABLE_SPEECH) return { kind: 'speech', text: '', confidence: 0 };
  if (body.SpeechResult) return { kind: 'speech', text: body.SpeechResult, confidence: body.Confidence ?? 0 };
  const digits = body.Digits ?? '';
  if (digits !== '') return { kind: 'digits', digits };
  if (body.FinishedOnKey === '#') return { kind: 'digits', digits: '#' };
  return { kind: 'silence' };
}

const ENDED_STATUSES = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/**
 * Twilio's webhooks. Every signed request gets 200 TwiML, whatever fails inside: the caller hears
 * an apology and a way forward, never Twilio's "application error".
 */
export async function voiceRoutes(app: FastifyInstance, options: VoiceRoutesOptions): Promise<void> {
  const { engine, renderer } = options;
  await acceptTwilioWebhooks(app, options);
  const fields = <T extends z.ZodType>(schema: T, request: FastifyRequest, reply: FastifyReply) =>
    parseWebhook(schema, request.body, request, reply);

  async function answer(request: FastifyRequest, reply: FastifyReply, attempt: number, turn: () => Promise<Answer>) {
    let xml: string;
    try {
      xml = renderer.render(await turn());
    } catch (error) {
      request.log.error({ err: error }, 'webhook failed inside; apologising to the caller');
      xml = renderer.render(apology(attempt));
    }
    return reply.type('text/xml; charset=utf-8').send(xml);
  }

  /** An apology, then a person (the overflow number), or the call tried again a few times before a polite goodbye. */
  function apology(attempt: number): Answer {
    const language = options.defaultLanguage;
    const sorry = [{ key: 'error.apology' }];
    if (options.overflowNumber) return answerWith(language, sorry, { kind: 'dial', number: options.overflowNumber });
    if (attempt < MAX_RECOVERY_ATTEMPTS) return answerWith(language, sorry, { kind: 'retry', attempt: attempt + 1 });
    return answerWith(language, [...sorry, { key: 'call.goodbye' }], { kind: 'hangup' });
  }

  const identity = (body: z.infer<typeof callFields>): CallIdentity => ({
    callSid: body.CallSid,
    from: body.From,
    to: body.To,
    ...(body.StirVerstat ? { stirVerstat: body.StirVerstat } : {}),
  });

  app.post('/voice/incoming', async (request, reply) => {
    const body = fields(callFields, request, reply);
    if (!body) return reply;
    return answer(request, reply, 0, () => engine.answer(identity(body), request.log));
  });

  app.post('/voice/recover', async (request, reply) => {
    const body = fields(callFields, request, reply);
    if (!body) return reply;
    const { attempt } = attemptQuery.parse(request.query);
    return answer(request, reply, attempt, () => engine.answer(identity(body), request.log));
  });

  app.post('/voice/gather', async (request, reply) => {
    const body = fields(gatherFields, request, reply);
    const query = revisionQuery.safeParse(request.query);
    if (!body) return reply;
    if (!query.success) return reply.code(400).send({ error: 'rev query parameter required' });
    return answer(request, reply, 0, () => engine.respond(identity(body), query.data.rev, callerInput(body), request.log));
  });

  app.post('/voice/no-input', async (request, reply) => {
    const body = fields(callFields, request, reply);
    const query = revisionQuery.safeParse(request.query);
    if (!body) return reply;
    if (!query.success) return reply.code(400).send({ error: 'rev query parameter required' });
    return answer(request, reply, 0, () => engine.respond(identity(body), query.data.rev, { kind: 'silence' }, request.log));
  });

  app.post('/voice/status', async (request, reply) => {
    const body = fields(statusFields, request, reply);
    if (!body) return reply;
    if (ENDED_STATUSES.has(body.CallStatus)) {
      let session: Awaited<ReturnType<CallEngine['hangUp']>> = null;
      let recorded = true;
      try {
        session = await engine.hangUp(body.CallSid);
      } catch (error) {
        // The call record's fact travels with this write (SPEC §5): a 503 lets Twilio try again.
        request.log.error({ err: error }, 'could not record the end of the call; answering 503 so Twilio retries');
        recorded = false;
      }
      // A call that never went towards an agent has nothing in the queue: skip those round trips.
      // Legs without a session (callbacks we dialled) may still be in it.
      if (session && !session.handoff) return reply.code(204).send();
      try {
        await options.onCallEnded?.(body.CallSid, body.CallStatus);
      } catch (error) {
        // SPEC §4.1: Twilio may retry a 503; a lost hang-up would otherwise wait for the ghost reaper.
        request.log.error({ err: error }, 'could not record the hang-up in the hand-off; answering 503 so Twilio retries');
        return reply.code(503).send();
      }
      if (!recorded) return reply.code(503).send();
    }
    return reply.code(204).send();
  });
}

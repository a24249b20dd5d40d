import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { SecurityEvents } from '../security/security-events';
import { twilioSignatureCheck } from './signature-check';

/**
 * Makes an encapsulated plugin a context of Twilio webhooks: form bodies, and the signature
 * check on every one of its routes (before any schema could strip a field).
 */
export async function acceptTwilioWebhooks(
  app: FastifyInstance,
  options: { publicBaseUrl: string; authToken: string; security?: SecurityEvents },
): Promise<void> {
  await app.register(formbody);
  app.addHook('preValidation', twilioSignatureCheck(options.publicBaseUrl, options.authToken, options.security));
}

/**
 * Parses what a webhook route needs (body or query); a signed request without it is a client
 * error (400), not a call. A parsed CallSid is bound to the request's logger, so every line
 * logged for the request names the call.
 */
export function parseWebhook<T extends z.ZodType>(schema: T, value: unknown, request: FastifyRequest, reply: FastifyReply): z.infer<T> | null {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    void reply.code(400).send({ error: 'bad webhook request', issues: parsed.error.issues.map((issue) => issue.path.join('.')) });
    return null;
  }
  const callSid = (parsed.data as { CallSid?: unknown }).CallSid;
  if (typeof callSid === 'string') request.log = request.log.child({ callSid });
  return parsed.data;
}

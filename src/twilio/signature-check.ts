import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { SecurityEvents } from '../security/security-events';

/**
 * Rejects any webhook that Twilio did not sign for the URL it called. The URL is rebuilt from
 * PUBLIC_BASE_URL (behind a load balancer the request's own host and scheme are not Twilio's),
 * and the signature covers every posted field, not a parsed subset. There is no way to turn this
 * off: the simulator and the tests sign their requests.
 */
export function twilioSignatureCheck(publicBaseUrl: string, authToken: string, security?: SecurityEvents) {
  return async function checkSignature(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      await reply.code(415).send({ error: 'Twilio webhooks are form posts' });
      return;
    }
    const signature = request.headers['x-twilio-signature'];
    const params = (request.body ?? {}) as Record<string, unknown>;
    const valid =
      typeof signature === 'string' &&
      twilio.validateRequest(authToken, signature, publicBaseUrl + request.url, params);
    if (!valid) {
      const callSid = typeof params['CallSid'] === 'string' ? params['CallSid'] : undefined;
      security?.record('signature-failure', { ...(callSid ? { callSid } : {}), url: request.url.split('?')[0] ?? '' });
      await reply.code(403).send({ error: 'invalid Twilio signature' });
    }
  };
}

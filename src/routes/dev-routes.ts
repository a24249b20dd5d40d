import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SimulatedTwilioGateway } from '../twilio/simulated-twilio-gateway';

/** `?callSid=`: only what concerns that call, so a load generator need not read the whole outbox after each claim. */
const outboxQuery = z.object({ callSid: z.string().regex(/^CA[0-9a-f]{32}$/).optional() });

/** Simulate mode only: what the hotline would have sent through Twilio, newest last. */
export async function devRoutes(app: FastifyInstance, options: { gateway: SimulatedTwilioGateway }): Promise<void> {
  app.get('/dev/outbox', async (request, reply) => {
    const query = outboxQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).send({ error: 'callSid must be CA followed by 32 hex digits' });
    const { callSid } = query.data;
    const entries = options.gateway.outbox();
    return callSid === undefined ? entries : entries.filter((entry) => 'callSid' in entry && entry.callSid === callSid);
  });
}

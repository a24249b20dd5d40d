import type { FastifyInstance } from 'fastify';
import type { SimulatedTwilioGateway } from '../twilio/simulated-twilio-gateway';

/** Simulate mode only: what the hotline would have sent through Twilio, newest last. */
export async function devRoutes(app: FastifyInstance, options: { gateway: SimulatedTwilioGateway }): Promise<void> {
  app.get('/dev/outbox', async () => options.gateway.outbox());
}

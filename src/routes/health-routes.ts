import type { FastifyInstance } from 'fastify';
import type { Store } from '../stores';

/** `/healthz`: the process answers. `/readyz`: it can also reach its store, so it may take calls. */
export async function healthRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    try {
      await options.store.ping();
      return { status: 'ready', store: options.store.kind };
    } catch (error) {
      request.log.warn({ err: error }, 'store unreachable; not ready');
      return reply.code(503).send({ status: 'unavailable', store: options.store.kind });
    }
  });
}

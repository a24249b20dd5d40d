import type { FastifyInstance } from 'fastify';
import type { RecordsStatus } from '../records/records-module';
import type { Store } from '../stores';

/**
 * `/healthz`: the process answers. `/readyz`: it can also reach its store, so it may take calls.
 * It also reports the call records' lag, which never makes an instance unready: every instance
 * shares the same database, so taking one out of rotation would refuse callers and write no record
 * sooner (watch `records.backlog` and `records.oldestSeconds` instead).
 */
export async function healthRoutes(app: FastifyInstance, options: { store: Store; records?: () => Promise<RecordsStatus> }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    try {
      await options.store.ping();
      const records = options.records ? await options.records() : undefined;
      return { status: 'ready', store: options.store.kind, ...(records ? { records } : {}) };
    } catch (error) {
      request.log.warn({ err: error }, 'store unreachable; not ready');
      return reply.code(503).send({ status: 'unavailable', store: options.store.kind });
    }
  });
}

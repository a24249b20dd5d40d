import type { FastifyInstance } from 'fastify';
import type { RecordsStatus } from '../records/records-module';
import type { Store } from '../stores';

/**
 * `/healthz`: the process answers. `/readyz`: it can also reach its store (every master of it), so
 * it may take calls; it names the deployment (`embedded`, `single`, `sentinel`, `cluster`) and its
 * state as this instance sees it (`redis`: the master and its replicas, or the cluster's state and
 * masters). It also reports the call records' lag, which never makes an instance unready: every
 * instance shares the same database, so taking one out of rotation would refuse callers and write
 * no record sooner (watch `records.backlog` and `records.oldestSeconds` instead).
 */
export async function healthRoutes(app: FastifyInstance, options: { store: Store; records?: () => Promise<RecordsStatus> }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const { deployment, reachable, ...state } = await options.store.status();
    const named = { store: options.store.kind, deployment, ...(Object.keys(state).length > 0 ? { redis: state } : {}) };
    if (!reachable) {
      request.log.warn(named, 'store unreachable; not ready');
      return reply.code(503).send({ status: 'unavailable', ...named });
    }
    const records = options.records ? await options.records() : undefined;
    return { status: 'ready', ...named, ...(records ? { records } : {}) };
  });
}

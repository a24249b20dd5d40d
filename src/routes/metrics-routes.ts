import type { FastifyInstance } from 'fastify';
import type { HotlineMetrics } from '../metrics/hotline-metrics';

/** `GET /metrics` for Prometheus, and the latency of every request, per route. */
export async function metricsRoutes(app: FastifyInstance, options: { metrics: HotlineMetrics }): Promise<void> {
  const { metrics } = options;
  app.get('/metrics', async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}

/** Registered on the root instance so it sees every route, not just this plugin's. */
export function measureRequests(app: FastifyInstance, metrics: HotlineMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.webhookSeconds.observe({ route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}

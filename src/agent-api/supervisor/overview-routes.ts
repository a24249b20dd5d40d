import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AgentDirectory } from '../../agents/agent-directory';
import { errorSchema } from '../agent-api-schemas';
import type { OverviewEventHub } from './overview-events';
import type { SupervisorOverview } from './overview';
import { overviewSchema } from './overview-schemas';
import { supervisorRefusals, supervisorsOnly } from './supervisors-only';

export interface OverviewRoutesOptions {
  agents: AgentDirectory;
  overview: SupervisorOverview;
  events: OverviewEventHub;
}

const tags = ['supervisors'];
const security = [{ bearerAuth: [] }];

/** SPEC §5: `GET /supervisor/overview` (today live, or a past day's figures) and its live stream. */
export const overviewRoutes: FastifyPluginAsyncZod<OverviewRoutesOptions> = async (app, options) => {
  supervisorsOnly(app, options.agents);
  const { overview } = options;
  const querySchema = z.object({
    day: z.iso
      .date({ error: 'must be a date YYYY-MM-DD' })
      .pipe(z.string().refine((day) => day <= overview.today(), { error: 'must not be after today' }))
      .optional()
      .describe('A local day (BUSINESS_TIMEZONE), YYYY-MM-DD, today or earlier; default today'),
  });

  app.get(
    '/supervisor/overview',
    {
      schema: {
        tags,
        security,
        summary: 'The floor: queues, agents and the day’s service figures',
        description:
          'Today (no `day`, or today’s date): the queues and agents now (`live`) and the day’s figures so far from the call records (`report`). ' +
          'The records are read within a bounded time: a slow or unreachable database gives `report: null` and `reportUnavailable`, never an error. ' +
          'A past `day`: its figures only (`live: null`); 503 when the records cannot be read.',
        querystring: querySchema,
        response: {
          200: overviewSchema,
          400: errorSchema,
          ...supervisorRefusals,
          503: errorSchema.describe('A past day’s figures cannot be read now (no records database, too slow, or it failed)'),
        },
      },
    },
    async (request, reply) => {
      const { day } = request.query;
      const body = day === undefined ? await overview.now() : await overview.ofDay(day);
      if (body.live === null && body.report === null) {
        return reply.code(503).send({ error: 'Service Unavailable', message: `The call records cannot be read now (${body.reportUnavailable})` });
      }
      return body;
    },
  );

  app.get(
    '/supervisor/events',
    {
      schema: {
        tags,
        security,
        summary: 'The overview, live (Server-Sent Events)',
        description:
          'text/event-stream; the token may be given as `?token=` (for EventSource). `overview` events (the body of GET /supervisor/overview for today): ' +
          'the first at once, then whenever a caller or call changes state (on any instance) or an agent changes availability, and every 5 s; a comment every 15 s.',
        querystring: z.object({ token: z.string().optional().describe('The bearer token, for EventSource') }),
        produces: ['text/event-stream'],
        response: supervisorRefusals,
      },
    },
    async (request, reply) => {
      await options.events.stream(request, reply);
      return reply;
    },
  );
};

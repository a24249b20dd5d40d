import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AgentDirectory } from '../../agents/agent-directory';
import { errorSchema } from '../agent-api-schemas';
import type { Clock } from '../../clock';
import type { CallRecordsDb, RecordsFilter } from '../../records/call-records-db';
import { OUTCOMES } from '../../records/record-facts';
import { callRecordView, callRecordViewSchema } from './call-record-view';
import { CSV_BOM, CSV_HEADER, csvRow } from './records-csv';
import { supervisorRefusals, supervisorsOnly } from './supervisors-only';

export interface SupervisorRoutesOptions {
  agents: AgentDirectory;
  /** Without a records database the calls answer 503. */
  callRecords?: CallRecordsDb;
  clock: Clock;
}

const DAY_MS = 86_400_000;
const PAGE_MAX = 500;
const CSV_PAGE = 1000;

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant, e.g. 2026-11-25T00:00:00+08:00' });
const rangeSchema = z.object({
  from: instant.optional().describe('ISO 8601 instant, inclusive; default 24 hours before `to`'),
  to: instant.optional().describe('ISO 8601 instant, exclusive; default now'),
});
const listQuerySchema = rangeSchema.extend({
  outcome: z.enum(OUTCOMES).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(50),
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
});

/** Where a page ended, opaque to clients: started at (ms) and callSid. */
function encodeCursor(last: { startedAt: Date | null; callSid: string }): string {
  return Buffer.from(`${last.startedAt?.getTime() ?? 0}|${last.callSid}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): RecordsFilter['before'] | null {
  const match = /^(\d+)\|(CA[0-9a-fA-F]{32}|[\w-]{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { startedAt: Number(match[1]), callSid: match[2]! } : null;
}

const tags = ['supervisors'];
const security = [{ bearerAuth: [] }];

/**
 * SPEC §5 "Supervisors and call records": the call records, paginated as JSON and whole as CSV,
 * for agents with the `supervisor` role (others 403, no token 401).
 */
export const supervisorRoutes: FastifyPluginAsyncZod<SupervisorRoutesOptions> = async (app, options) => {
  supervisorsOnly(app, options.agents);
  app.addHook('preHandler', async (_request: FastifyRequest, reply: FastifyReply) => {
    if (!options.callRecords) return reply.code(503).send({ error: 'Service Unavailable', message: 'No call records database is configured' });
  });
  const refusals = {
    400: errorSchema,
    ...supervisorRefusals,
    503: errorSchema.describe('The call records database cannot be read now'),
  };

  const range = (query: z.infer<typeof rangeSchema>) => {
    const to = query.to ? Date.parse(query.to) : options.clock.now();
    return { from: query.from ? Date.parse(query.from) : to - DAY_MS, to };
  };

  app.get(
    '/supervisor/calls',
    {
      schema: {
        tags,
        security,
        summary: 'Call records, newest first, paginated',
        querystring: listQuerySchema,
        response: { 200: z.object({ calls: z.array(callRecordViewSchema), nextCursor: z.string().nullable() }), ...refusals },
      },
    },
    async (request, reply) => {
      const { outcome, limit, cursor } = request.query;
      const before = cursor === undefined ? undefined : decodeCursor(cursor);
      if (before === null) return reply.code(400).send({ error: 'Bad Request', message: 'cursor: not a cursor this server gave' });
      const filter: RecordsFilter = { ...range(request.query), ...(outcome ? { outcome } : {}), ...(before ? { before } : {}) };
      const rows = await options.callRecords!.list(filter, limit + 1);
      const page = rows.slice(0, limit);
      return { calls: page.map(callRecordView), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null };
    },
  );

  app.get(
    '/supervisor/calls.csv',
    {
      schema: {
        tags,
        security,
        summary: 'The same call records as CSV (UTF-8 with BOM), newest first',
        description: 'text/csv, RFC 4180 quoting, one row per call; 401, 403 and 503 as for GET /supervisor/calls.',
        querystring: rangeSchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const records = options.callRecords!;
      const filter: RecordsFilter = range(request.query);
      // Read page by page while sending, so a long range never sits whole in memory.
      const first = await records.list(filter, CSV_PAGE);
      async function* lines(): AsyncGenerator<string> {
        yield CSV_BOM + CSV_HEADER;
        let page = first;
        while (page.length > 0) {
          yield page.map((row) => csvRow(callRecordView(row))).join('');
          if (page.length < CSV_PAGE) return;
          const last = page.at(-1)!;
          page = await records.list({ ...filter, before: { startedAt: last.startedAt!.getTime(), callSid: last.callSid } }, CSV_PAGE);
        }
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="calls.csv"')
        .send(Readable.from(lines()));
    },
  );
};

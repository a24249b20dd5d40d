import { z } from 'zod';
import { tierSchema } from '../../../flows/vocabulary';
import { handoffStateSchema } from '../../handoff/record/handoff-record';
import { AGENT_STATES } from './floor';

/** `GET /supervisor/overview` on the wire (and in /docs): what overview.ts gives, nothing more. */

const ratio = z.number().min(0).max(1).nullable();

const queueNowSchema = z.object({
  queue: tierSchema,
  waiting: z.number().int().describe('Callers in the queue now (a callback request keeps its place and counts)'),
  longestWaitSeconds: z.number().int().describe('The caller on hold longest has waited this long; 0 when nobody is on hold'),
  estimatedWaitSeconds: z.number().int().nullable().describe('What the next caller to join would be told; null when the waiting room gives no number'),
});

const agentNowSchema = z.object({
  id: z.string(),
  name: z.string(),
  tiers: z.array(tierSchema),
  state: z.enum(AGENT_STATES).describe('away, available, offered (ringing), connected, or wrap-up (the call ended and is not wrapped up yet)'),
  call: z
    .object({
      callSid: z.string(),
      queue: tierSchema,
      state: handoffStateSchema,
      caller: z.string().describe('Masked number, or "withheld"'),
      since: z.string().describe('ISO 8601: claimed, connected or ended at'),
    })
    .nullable()
    .describe('The call held, or the ended call still to wrap up'),
});

const queueDaySchema = z.object({
  queue: tierSchema,
  offered: z.number().int().describe('Callers handed to the queue'),
  answered: z.number().int().describe('Talked with an agent, live or called back (conversations going on included)'),
  answeredInTime: z.number().int().describe('Live callers answered within serviceLevelSeconds'),
  serviceLevel: ratio.describe('answeredInTime / (live callers answered + abandoned); null with neither'),
  abandoned: z.number().int(),
  abandonment: ratio.describe('abandoned / offered'),
  averageHandleSeconds: z.number().nullable().describe('Average talk time of the conversations that ended'),
});

const reportSchema = z.object({
  day: z.string(),
  calls: z.number().int(),
  contained: z.number().int().describe('Calls the IVR solved without an agent'),
  containment: ratio.describe('contained / calls whose outcome is known'),
  queues: z.array(queueDaySchema),
  agents: z.array(z.object({ agentId: z.string(), calls: z.number().int(), averageHandleSeconds: z.number().nullable() })),
});

export const overviewSchema = z.object({
  day: z.string().describe('The local day (BUSINESS_TIMEZONE), YYYY-MM-DD'),
  timeZone: z.string(),
  serviceLevelSeconds: z.number().int(),
  generatedAt: z.string(),
  live: z.object({ queues: z.array(queueNowSchema), agents: z.array(agentNowSchema) }).nullable().describe('Now; null for a past day'),
  report: reportSchema.nullable().describe("The day's figures from the call records (SQL); null when they could not be read"),
  reportUnavailable: z
    .enum(['no-database', 'timeout', 'unavailable'])
    .nullable()
    .describe('Why `report` is null: no records database, not read in time, or the database failed'),
});

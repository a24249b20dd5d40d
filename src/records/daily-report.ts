import { TIERS, type Tier } from '../../flows/vocabulary';
import type { SqlDatabase } from './sql/sql-database';

/** One queue's day (SPEC §5 reports). Ratios are null when there is nothing to divide. */
export interface QueueDay {
  queue: Tier;
  /** Callers handed to the queue that day. */
  offered: number;
  /** Talked with an agent, live or called back (a conversation still going on included). */
  answered: number;
  /** Live callers answered within SERVICE_LEVEL_SECONDS of waiting. */
  answeredInTime: number;
  /** answeredInTime / (live callers answered + abandoned): a caller who gave up counts against it. */
  serviceLevel: number | null;
  abandoned: number;
  /** abandoned / offered. */
  abandonment: number | null;
  /** Average talk time of the conversations that ended. */
  averageHandleSeconds: number | null;
}

/** One agent's day: the calls they talked in (by the day the call started) and their average talk time. */
export interface AgentDay {
  agentId: string;
  calls: number;
  /** Average talk time of their conversations that ended; null while none has. */
  averageHandleSeconds: number | null;
}

export interface DailyReport {
  /** The local day (BUSINESS_TIMEZONE), YYYY-MM-DD. */
  day: string;
  calls: number;
  contained: number;
  /** contained / calls whose outcome is known. */
  containment: number | null;
  queues: QueueDay[];
  /** Agents who talked with a caller that day, by id. */
  agents: AgentDay[];
}

interface Row {
  queue: string | null;
  calls: number;
  known: number;
  contained: number;
  answered: number;
  live: number;
  inTime: number;
  abandoned: number;
  handle: number | null;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** The calls that started on local day $1 of time zone $2. */
const ON_THE_DAY = `started_at >= ($1::date::timestamp AT TIME ZONE $2) AND started_at < (($1::date + 1)::timestamp AT TIME ZONE $2)`;

/**
 * Service level, abandonment, containment and average handle time of one local day, computed in
 * SQL from the call records (calls counted on the day they started).
 */
export async function dailyReport(db: SqlDatabase, day: string, timeZone: string, serviceLevelSeconds: number): Promise<DailyReport> {
  // agent_id is set once a caller talked with an agent (handoff-fact.ts), also while they still talk.
  const [rows, agents] = await Promise.all([
    db.query<Row>(
      `SELECT queue, COUNT(*)::int AS calls,
         COUNT(outcome)::int AS known,
         COUNT(*) FILTER (WHERE outcome = 'contained')::int AS contained,
         COUNT(*) FILTER (WHERE agent_id IS NOT NULL)::int AS answered,
         COUNT(*) FILTER (WHERE agent_id IS NOT NULL AND NOT callback_asked)::int AS live,
         COUNT(*) FILTER (WHERE agent_id IS NOT NULL AND NOT callback_asked AND waited_seconds <= $3)::int AS "inTime",
         COUNT(*) FILTER (WHERE outcome = 'abandoned' AND queue IS NOT NULL)::int AS abandoned,
         AVG(talk_seconds)::float8 AS handle
       FROM call_records
       WHERE ${ON_THE_DAY}
       GROUP BY queue`,
      [day, timeZone, serviceLevelSeconds],
    ),
    db.query<AgentDay>(
      `SELECT agent_id AS "agentId", COUNT(*)::int AS calls, AVG(talk_seconds)::float8 AS "averageHandleSeconds"
       FROM call_records
       WHERE ${ON_THE_DAY} AND agent_id IS NOT NULL
       GROUP BY agent_id ORDER BY agent_id`,
      [day, timeZone],
    ),
  ]);
  const sum = (pick: (row: Row) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const contained = sum((row) => row.contained);
  return {
    day,
    calls: sum((row) => row.calls),
    contained,
    containment: ratio(contained, sum((row) => row.known)),
    queues: TIERS.map((queue) => {
      const row = rows.find((r) => r.queue === queue);
      const abandoned = row?.abandoned ?? 0;
      return {
        queue,
        offered: row?.calls ?? 0,
        answered: row?.answered ?? 0,
        answeredInTime: row?.inTime ?? 0,
        serviceLevel: ratio(row?.inTime ?? 0, (row?.live ?? 0) + abandoned),
        abandoned,
        abandonment: ratio(abandoned, row?.calls ?? 0),
        averageHandleSeconds: row?.handle ?? null,
      };
    }),
    agents,
  };
}

import type { CallFact, HandoffFact, RecordFact } from './record-facts';
import type { HistoryKey } from './record-caller';
import type { SqlDatabase } from './sql/sql-database';

/** Timestamps travel as epoch milliseconds and are stored as timestamptz. */
const ts = (column: string) => `to_timestamp(f."${column}" / 1000.0)`;

const UPSERT_CALL = `
INSERT INTO call_records AS r (call_sid, caller, caller_number, wallet_id, started_at, ended_at, language, journey,
  identity_level, intent, self_service, ivr_outcome, session_rev)
SELECT f."callSid", f.caller, f."callerNumber", f."walletId", ${ts('startedAt')}, ${ts('endedAt')}, f.language, f.journey,
  f."identityLevel", f.intent, f."selfService", f."ivrOutcome", f.rev
FROM jsonb_to_recordset($1::jsonb) AS f("callSid" text, caller text, "callerNumber" text, "walletId" text, "startedAt" float8,
  "endedAt" float8, language text, journey jsonb, "identityLevel" smallint, intent text, "selfService" jsonb, "ivrOutcome" text, rev integer)
ON CONFLICT (call_sid) DO UPDATE SET
  caller = excluded.caller,
  caller_number = COALESCE(excluded.caller_number, r.caller_number),
  wallet_id = COALESCE(excluded.wallet_id, r.wallet_id),
  started_at = excluded.started_at,
  ended_at = excluded.ended_at,
  language = excluded.language,
  journey = excluded.journey,
  identity_level = GREATEST(r.identity_level, excluded.identity_level),
  intent = COALESCE(excluded.intent, r.intent),
  self_service = excluded.self_service,
  ivr_outcome = excluded.ivr_outcome,
  session_rev = excluded.session_rev,
  updated_at = now()
WHERE r.session_rev IS NULL OR r.session_rev <= excluded.session_rev`;

/** The columns only the hand-off's facts write: replaced whole by a newer revision. */
const HANDOFF_PART = [
  'queue',
  'queued_at',
  'waited_seconds',
  'agent_id',
  'talk_seconds',
  'escalated',
  'callback_asked',
  'handoff_outcome',
  'wrap_up_note',
  'wrap_up_resolved',
  'wrap_up_at',
  'survey',
  'handoff_rev',
];

// What the session knows better (caller, start, end, intent) is only filled in here when missing.
const UPSERT_HANDOFF = `
INSERT INTO call_records AS r (call_sid, caller, caller_number, wallet_id, language, identity_level, intent, started_at, ended_at,
  queue, queued_at, waited_seconds, agent_id, talk_seconds, escalated, callback_asked, handoff_outcome,
  wrap_up_note, wrap_up_resolved, wrap_up_at, survey, handoff_rev)
SELECT f."callSid", f.caller, f."callerNumber", f."walletId", f.language, f."identityLevel", f.intent, ${ts('queuedAt')}, ${ts('endedAt')},
  f.queue, ${ts('queuedAt')}, f."waitedSeconds", f."agentId", f."talkSeconds", f.escalated, f."callbackAsked", f.outcome,
  f."wrapUp"->>'note', (f."wrapUp"->>'resolved')::boolean, to_timestamp((f."wrapUp"->>'at')::float8 / 1000.0), f.survey, f.rev
FROM jsonb_to_recordset($1::jsonb) AS f("callSid" text, caller text, "callerNumber" text, "walletId" text, language text,
  "identityLevel" smallint, intent text, queue text, "queuedAt" float8, "waitedSeconds" integer, "agentId" text, "talkSeconds" integer,
  escalated boolean, "callbackAsked" boolean, outcome text, "endedAt" float8, "wrapUp" jsonb, survey smallint, rev integer)
ON CONFLICT (call_sid) DO UPDATE SET
  caller_number = COALESCE(r.caller_number, excluded.caller_number),
  wallet_id = COALESCE(r.wallet_id, excluded.wallet_id),
  language = COALESCE(r.language, excluded.language),
  identity_level = GREATEST(r.identity_level, excluded.identity_level),
  intent = COALESCE(r.intent, excluded.intent),
  started_at = COALESCE(r.started_at, excluded.started_at),
  ended_at = COALESCE(r.ended_at, excluded.ended_at),
  ${HANDOFF_PART.map((column) => `${column} = excluded.${column}`).join(', ')},
  updated_at = now()
WHERE r.handoff_rev IS NULL OR r.handoff_rev <= excluded.handoff_rev`;

/** A call record as stored (SPEC §5). */
export interface CallRecordRow {
  callSid: string;
  caller: string;
  startedAt: Date | null;
  endedAt: Date | null;
  language: string | null;
  journey: string[];
  identityLevel: number;
  intent: string | null;
  selfService: Array<{ kind: string; at: string; ref?: string; detail?: string }>;
  outcome: string | null;
  queue: string | null;
  waitedSeconds: number | null;
  agentId: string | null;
  talkSeconds: number | null;
  escalated: boolean;
  callbackAsked: boolean;
  wrapUpNote: string | null;
  wrapUpResolved: boolean | null;
  wrapUpAt: Date | null;
  survey: number | null;
}

const RECORD_COLUMNS = `call_sid AS "callSid", caller, started_at AS "startedAt", ended_at AS "endedAt", language, journey,
  identity_level::int AS "identityLevel", intent, self_service AS "selfService", outcome, queue, waited_seconds AS "waitedSeconds",
  agent_id AS "agentId", talk_seconds AS "talkSeconds", escalated, callback_asked AS "callbackAsked", wrap_up_note AS "wrapUpNote",
  wrap_up_resolved AS "wrapUpResolved", wrap_up_at AS "wrapUpAt", survey::int AS survey`;

export interface RecordsFilter {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  outcome?: string;
  /** Where the previous page ended. */
  before?: { startedAt: number; callSid: string };
}

export interface HistoryRow {
  callSid: string;
  startedAt: Date;
  intent: string | null;
  outcome: string | null;
  note: string | null;
}

export interface HourlyWait {
  queue: string;
  /** Local hour of day (BUSINESS_TIMEZONE) when the callers started waiting. */
  hour: number;
  avgWaitSeconds: number;
  calls: number;
}

/** Keeps the newest revision of each part of each call: one row per call and part in one statement. */
function newestParts(facts: readonly RecordFact[]): { calls: CallFact[]; handoffs: HandoffFact[] } {
  const newest = new Map<string, RecordFact>();
  for (const fact of facts) {
    const key = `${fact.kind}:${fact.callSid}`;
    const held = newest.get(key);
    if (!held || held.rev <= fact.rev) newest.set(key, fact);
  }
  const all = [...newest.values()];
  return { calls: all.filter((f): f is CallFact => f.kind === 'call'), handoffs: all.filter((f): f is HandoffFact => f.kind === 'handoff') };
}

/** The call records in SQL: merging facts, and what agents, supervisors and the waiting room read back. */
export class CallRecordsDb {
  constructor(readonly db: SqlDatabase) {}

  /** Idempotent and order-independent: each part of a record keeps its newest revision. */
  async write(facts: readonly RecordFact[]): Promise<void> {
    const { calls, handoffs } = newestParts(facts);
    if (calls.length > 0) await this.db.query(UPSERT_CALL, [JSON.stringify(calls)]);
    if (handoffs.length > 0) await this.db.query(UPSERT_HANDOFF, [JSON.stringify(handoffs)]);
  }

  async get(callSid: string): Promise<CallRecordRow | null> {
    const rows = await this.db.query<CallRecordRow>(`SELECT ${RECORD_COLUMNS} FROM call_records WHERE call_sid = $1`, [callSid]);
    return rows[0] ?? null;
  }

  /**
   * Records that started in [from, to), newest first, after `before` (the last record of the page
   * before: started at, callSid), with `outcome` when given; `limit` of them.
   */
  list(filter: RecordsFilter, limit: number): Promise<CallRecordRow[]> {
    const { from, to, outcome, before } = filter;
    return this.db.query<CallRecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM call_records
       WHERE started_at >= to_timestamp($1 / 1000.0) AND started_at < to_timestamp($2 / 1000.0)
         AND ($3::text IS NULL OR outcome = $3)
         AND ($4::float8 IS NULL OR (started_at, call_sid) < (to_timestamp($4 / 1000.0), $5::text))
       ORDER BY started_at DESC, call_sid DESC LIMIT $6`,
      [from, to, outcome ?? null, before?.startedAt ?? null, before?.callSid ?? null, limit],
    );
  }

  /** The caller's calls since `since`, newest first, without `exceptCallSid`. */
  history(key: HistoryKey, exceptCallSid: string, since: number, limit: number): Promise<HistoryRow[]> {
    const [column, value] = 'walletId' in key ? ['wallet_id', key.walletId] : ['caller_number', key.callerNumber];
    return this.db.query<HistoryRow>(
      `SELECT call_sid AS "callSid", started_at AS "startedAt", intent, outcome, wrap_up_note AS note FROM call_records
       WHERE ${column} = $1 AND call_sid <> $2 AND started_at >= to_timestamp($3 / 1000.0)
       ORDER BY started_at DESC LIMIT $4`,
      [value, exceptCallSid, since, limit],
    );
  }

  /** Average wait of live callers an agent answered, by queue and local hour, since `since`. */
  hourlyWaits(since: number, timeZone: string): Promise<HourlyWait[]> {
    return this.db.query<HourlyWait>(
      `SELECT queue, EXTRACT(HOUR FROM queued_at AT TIME ZONE $2)::int AS hour,
         AVG(waited_seconds)::float8 AS "avgWaitSeconds", COUNT(*)::int AS calls
       FROM call_records
       WHERE queued_at >= to_timestamp($1 / 1000.0) AND waited_seconds IS NOT NULL AND agent_id IS NOT NULL AND NOT callback_asked
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [since, timeZone],
    );
  }

  /** Deletes at most `batch` records that started before `cutoff`; returns how many. */
  async deleteBefore(cutoff: number, batch: number): Promise<number> {
    const rows = await this.db.query<{ deleted: number }>(
      `WITH gone AS (DELETE FROM call_records WHERE call_sid IN
         (SELECT call_sid FROM call_records WHERE started_at < to_timestamp($1 / 1000.0) ORDER BY started_at LIMIT $2) RETURNING 1)
       SELECT COUNT(*)::int AS deleted FROM gone`,
      [cutoff, batch],
    );
    return rows[0]?.deleted ?? 0;
  }
}

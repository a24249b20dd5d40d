import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { CallRecordsDb } from './call-records-db';
import { historyKey, recordCaller } from './record-caller';
import { TIMED_OUT, within } from './within';

/** SPEC §5: the last 5 earlier calls in 30 days. */
export const HISTORY_CALLS = 5;
export const HISTORY_WINDOW_MS = 30 * 86_400_000;
/** A claim never waits longer than this for the caller's history; without it, the claim goes on. */
export const HISTORY_TIMEOUT_MS = 300;

/** One earlier call as an agent sees it: never a number, PIN or code. */
export interface EarlierCall {
  callSid: string;
  /** ISO 8601, when the call started. */
  date: string;
  intent: string | null;
  /** contained, agent, abandoned, overflow, callback, callback-failed; null while it is still going on. */
  outcome: string | null;
  /** The agent's wrap-up note, if any. */
  note: string | null;
}

/**
 * A caller's earlier calls for the agent who takes them (SPEC §5 "Agents" `history`): by wallet if
 * the caller verified, else by number, never for a withheld number (record-caller.ts decides).
 * Read from the records' database within HISTORY_TIMEOUT_MS: a slow or unreachable database gives
 * `null` (no history), never a failed claim.
 */
export class CallHistory {
  constructor(
    private readonly records: CallRecordsDb,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly timeoutMs = HISTORY_TIMEOUT_MS,
  ) {}

  async earlierCalls(call: { callSid: string; from: string; walletId?: string }): Promise<EarlierCall[] | null> {
    const key = historyKey(recordCaller(call.from, call.walletId));
    if (!key) return [];
    const read = this.records
      .history(key, call.callSid, this.clock.now() - HISTORY_WINDOW_MS, HISTORY_CALLS)
      .then((rows) => rows.map((row) => ({ callSid: row.callSid, date: row.startedAt.toISOString(), intent: row.intent, outcome: row.outcome, note: row.note })))
      .catch((error: unknown) => {
        this.log.warn({ err: error, callSid: call.callSid }, 'caller history unavailable; the agent gets the call without it');
        return null;
      });
    const found = await within(read, this.timeoutMs);
    if (found !== TIMED_OUT) return found;
    this.log.warn({ callSid: call.callSid, timeoutMs: this.timeoutMs }, 'caller history not read in time; the agent gets the call without it');
    return null;
  }
}

import { maskPhone } from '../logging/logger';
import { isDialable } from '../twilio/caller-id';

/** Who called, as a call record keeps it: masked for people, the full number only to match earlier calls. */
export interface RecordCaller {
  caller: string;
  callerNumber: string | null;
  walletId: string | null;
}

/**
 * The one place that decides whether a caller can be recognised again (SPEC §3 "Withheld
 * numbers"): withheld placeholders, SIP and client callers keep no number, so they are never
 * "the same caller" by number; a verified wallet is.
 */
export function recordCaller(from: string, walletId: string | undefined): RecordCaller {
  const dialable = isDialable(from);
  return { caller: dialable ? maskPhone(from) : 'withheld', callerNumber: dialable ? from.trim() : null, walletId: walletId ?? null };
}

/** How a caller's earlier calls are found: by wallet if verified, else by number, never for a withheld one. */
export type HistoryKey = { walletId: string } | { callerNumber: string };

export function historyKey(caller: Pick<RecordCaller, 'walletId' | 'callerNumber'>): HistoryKey | null {
  if (caller.walletId) return { walletId: caller.walletId };
  if (caller.callerNumber) return { callerNumber: caller.callerNumber };
  return null;
}

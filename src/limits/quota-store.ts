/**
 * Quotas of a subject (the SMS of a call, the SMS to a number, the codes of a wallet): one is
 * taken from each named quota at once, or from none. A quota's window starts with the first one
 * taken and is judged with the injected clock; the store's expiry only cleans up. Redis
 * (lua/take-1.lua, lua/give-back-1.lua) and the embedded twin pass one contract suite.
 */
export interface Quota {
  name: string;
  limit: number;
  windowMs: number;
}

export interface QuotaStore {
  /** Null when one was taken from every quota; else the name of the first one used up (nothing taken). */
  take(subject: string, quotas: readonly Quota[], now: number): Promise<string | null>;
  /** Undoes a `take` whose purpose was refused later on. */
  giveBack(subject: string, names: readonly string[]): Promise<void>;
}

/** take-1.lua's reply: 0, or the 1-based position of the quota used up. */
export function decodeTake(reply: unknown, quotas: readonly Quota[]): string | null {
  const position = Number(reply);
  if (position === 0) return null;
  const quota = quotas[position - 1];
  if (!quota) throw new Error(`take-1.lua answered ${JSON.stringify(reply)}`);
  return quota.name;
}

import type { Tier } from '../../../flows/vocabulary';
import type { KeyValueStore } from '../../store/key-value-store';
import type { Announcement } from './wait-announcement';

/**
 * "Never worse without a word" (issue 12): what one waiting caller was last told, and the rules
 * that keep the next announcement consistent with it.
 *   - The announced position never goes up. A caller whose real position rose (a priority caller
 *     joined ahead) hears that they are still in line, thanks, and the callback offer — no number
 *     and no estimate — and the memory keeps what they were told before.
 *   - The estimate told does not grow between two announcements by more than the time that passed
 *     since the last number told: it is held at (last told + time passed). Unless the agents
 *     serving the queue decreased since: then the new estimate is told, with "the wait has grown".
 *   - No number now (too little data) says "as soon as possible" but keeps the last number told as
 *     the bound, so no number in between is no loophole.
 *   - A caller moved to another queue (escalation) starts afresh.
 * The rules are a pure function (`decideAnnouncement`); `AnnouncementMemory` adds the storage.
 */
export interface AnnouncementRecord {
  queue: Tier;
  /** The lowest position said so far. */
  position: number;
  /** The last number told (ms) and when; null before any. */
  toldMs: number | null;
  toldAt: number | null;
  /** Agents serving the queue at the last announcement; null when unknown. */
  agentsServing: number | null;
  /** Epoch ms of the last announcement. */
  at: number;
}

/** What the waiting room sees now, for one caller. */
export interface WaitObservation {
  queue: Tier;
  /** The caller's real 1-based position. */
  position: number;
  /** The model's estimate for that position; null: no number. */
  estimateMs: number | null;
  agentsServing: number | null;
  now: number;
}

export interface Decision {
  announcement: Announcement;
  /** What to remember; store it even when unchanged (it refreshes the TTL). */
  record: AnnouncementRecord;
  /** Why, for logs and the bench. */
  rule: 'first' | 'as-is' | 'moved-back' | 'held' | 'grown-agents-left';
}

function agentsDecreased(before: number | null, now: number | null): boolean {
  return before !== null && now !== null && now < before;
}

export function decideAnnouncement(previous: AnnouncementRecord | null, seen: WaitObservation): Decision {
  const fresh: AnnouncementRecord = {
    queue: seen.queue,
    position: seen.position,
    toldMs: seen.estimateMs,
    toldAt: seen.estimateMs === null ? null : seen.now,
    agentsServing: seen.agentsServing,
    at: seen.now,
  };
  if (previous === null || previous.queue !== seen.queue) {
    return { announcement: { position: seen.position, estimateMs: seen.estimateMs, grown: false }, record: fresh, rule: 'first' };
  }
  if (seen.position > previous.position) {
    return {
      announcement: { position: null, estimateMs: null, grown: false },
      record: { ...previous, at: seen.now },
      rule: 'moved-back',
    };
  }
  const base = { ...previous, position: seen.position, agentsServing: seen.agentsServing, at: seen.now };
  if (seen.estimateMs === null) {
    return { announcement: { position: seen.position, estimateMs: null, grown: false }, record: base, rule: 'as-is' };
  }
  const told = (estimateMs: number): AnnouncementRecord => ({ ...base, toldMs: estimateMs, toldAt: seen.now });
  if (previous.toldMs === null || previous.toldAt === null) {
    return { announcement: { position: seen.position, estimateMs: seen.estimateMs, grown: false }, record: told(seen.estimateMs), rule: 'as-is' };
  }
  const bound = previous.toldMs + Math.max(0, seen.now - previous.toldAt);
  if (seen.estimateMs <= bound) {
    return { announcement: { position: seen.position, estimateMs: seen.estimateMs, grown: false }, record: told(seen.estimateMs), rule: 'as-is' };
  }
  if (agentsDecreased(previous.agentsServing, seen.agentsServing)) {
    return {
      announcement: { position: seen.position, estimateMs: seen.estimateMs, grown: true },
      record: told(seen.estimateMs),
      rule: 'grown-agents-left',
    };
  }
  return { announcement: { position: seen.position, estimateMs: bound, grown: false }, record: told(bound), rule: 'held' };
}

/** Where records live: one per waiting caller, expiring on its own. */
export interface AnnouncementStore {
  get(callSid: string): Promise<AnnouncementRecord | null>;
  set(callSid: string, record: AnnouncementRecord, ttlMs: number): Promise<void>;
}

export const ANNOUNCEMENT_KEY_PREFIX = 'waiting:announced:';
/** Longer than any wait worth remembering; refreshed at each announcement. */
export const DEFAULT_ANNOUNCEMENT_TTL_MS = 4 * 60 * 60_000;

const TIERS_SEEN = new Set<string>(['tier1', 'tier2']);

function nullableNumber(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

/** A stored record, or null when it is missing or not one of ours (then the caller starts afresh). */
export function parseRecord(text: string | null): AnnouncementRecord | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  if (typeof r.queue !== 'string' || !TIERS_SEEN.has(r.queue)) return null;
  if (typeof r.position !== 'number' || !Number.isInteger(r.position) || r.position < 1) return null;
  if (!nullableNumber(r.toldMs) || !nullableNumber(r.toldAt) || !nullableNumber(r.agentsServing)) return null;
  if (typeof r.at !== 'number' || !Number.isFinite(r.at)) return null;
  return { queue: r.queue as Tier, position: r.position, toldMs: r.toldMs, toldAt: r.toldAt, agentsServing: r.agentsServing, at: r.at };
}

/** Records in the app's KeyValueStore (Redis or embedded), under `waiting:announced:<CallSid>`. */
export function keyValueAnnouncementStore(values: Pick<KeyValueStore, 'get' | 'set'>, prefix = ANNOUNCEMENT_KEY_PREFIX): AnnouncementStore {
  return {
    get: async (callSid) => parseRecord(await values.get(`${prefix}${callSid}`)),
    set: (callSid, record, ttlMs) => values.set(`${prefix}${callSid}`, JSON.stringify(record), ttlMs),
  };
}

/** Per caller, what they were last told; reading and storing are apart so a request can read it with its other reads. */
export class AnnouncementMemory {
  constructor(
    private readonly store: AnnouncementStore,
    private readonly ttlMs = DEFAULT_ANNOUNCEMENT_TTL_MS,
  ) {}

  recall(callSid: string): Promise<AnnouncementRecord | null> {
    return this.store.get(callSid);
  }

  /** Store every decision's record, even unchanged: it refreshes the TTL. */
  remember(callSid: string, record: AnnouncementRecord): Promise<void> {
    return this.store.set(callSid, record, this.ttlMs);
  }
}

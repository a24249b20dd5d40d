import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';
import type { KeyValueStore } from '../store/key-value-store';

/** SPEC §3: a 6-digit code by SMS, valid 5 minutes; one resend per call (two sends in all). */
export const CODE_TTL_MS = 5 * 60 * 1000;
export const MAX_SENDS_PER_CALL = 2;
/** Send counts outlive the codes themselves so an expired code cannot reset the limit; a call is shorter. */
const SENDS_TTL_MS = 4 * 60 * 60 * 1000;

const codeKey = (callSid: string) => `identity:otp:${callSid}`;
const sendsKey = (callSid: string) => `identity:otp-sends:${callSid}`;

/** What is stored: never the code, only a salted HMAC of it. */
const storedCode = z.object({ walletId: z.string(), salt: z.string(), hash: z.string(), expiresAt: z.number() });
type StoredCode = z.infer<typeof storedCode>;

export type IssueResult = { kind: 'issued' } | { kind: 'undelivered' } | { kind: 'live' } | { kind: 'limit' };
export type CheckResult = 'match' | 'mismatch' | 'expired';

/**
 * One-time codes of a call, in the shared store (any instance may take the next webhook).
 * Expiry is judged with the injected clock; the store's TTL only cleans up.
 */
export class OneTimeCodes {
  constructor(private readonly values: KeyValueStore, private readonly clock: Clock) {}

  /**
   * A new code for the call, unless one is still live and `fresh` was not asked for (a second
   * identity gate in the same call reuses the code already on the caller's phone). `deliver`
   * texts it; only a delivered code replaces the one the caller may already hold.
   */
  async issue(callSid: string, walletId: string, fresh: boolean, deliver: (code: string) => Promise<boolean>): Promise<IssueResult> {
    if (!fresh && (await this.live(callSid, walletId))) return { kind: 'live' };
    const sends = await this.values.increment(sendsKey(callSid), SENDS_TTL_MS);
    if (sends > MAX_SENDS_PER_CALL) return { kind: 'limit' };
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!(await deliver(code))) return { kind: 'undelivered' };
    const salt = randomBytes(16).toString('base64');
    const record: StoredCode = { walletId, salt, hash: digest(salt, code), expiresAt: this.clock.now() + CODE_TTL_MS };
    await this.values.set(codeKey(callSid), JSON.stringify(record), CODE_TTL_MS);
    return { kind: 'issued' };
  }

  async check(callSid: string, walletId: string, code: string): Promise<CheckResult> {
    const record = await this.live(callSid, walletId);
    if (!record) return 'expired';
    const expected = Buffer.from(record.hash, 'hex');
    const actual = Buffer.from(digest(record.salt, code), 'hex');
    return timingSafeEqual(expected, actual) ? 'match' : 'mismatch';
  }

  /** A used code, or one whose wallet got locked, must not work again. */
  async discard(callSid: string): Promise<void> {
    await this.values.delete(codeKey(callSid));
  }

  private async live(callSid: string, walletId: string): Promise<StoredCode | null> {
    const raw = await this.values.get(codeKey(callSid));
    const parsed = raw === null ? null : storedCode.safeParse(safeJson(raw));
    if (!parsed?.success) return null;
    const record = parsed.data;
    return record.walletId === walletId && this.clock.now() < record.expiresAt ? record : null;
  }
}

function digest(salt: string, code: string): string {
  return createHmac('sha256', salt).update(code).digest('hex');
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

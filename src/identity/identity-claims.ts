import { z } from 'zod';
import type { KeyValueStore } from '../store/key-value-store';

/** Long enough for any call; the call session expires on the same scale. */
const CLAIM_TTL_MS = 4 * 60 * 60 * 1000;
const claimKey = (callSid: string) => `identity:claim:${callSid}`;

const claimSchema = z.object({ walletId: z.string().nullable(), phone: z.string() });
/**
 * The wallet a caller says is theirs (by caller ID or typed number) and its registered number;
 * `walletId` null for a typed number no wallet has (its PIN is then simply wrong, SPEC §3).
 */
export type Claim = z.infer<typeof claimSchema>;

/**
 * Kept server-side rather than in the menu context: the PIN check needs the wallet, and the
 * one-time code and reset link go to the registered number, which the call session need not hold.
 */
export class IdentityClaims {
  constructor(private readonly values: KeyValueStore) {}

  async set(callSid: string, claim: Claim): Promise<void> {
    await this.values.set(claimKey(callSid), JSON.stringify(claim), CLAIM_TTL_MS);
  }

  async get(callSid: string): Promise<Claim | null> {
    const raw = await this.values.get(claimKey(callSid));
    if (raw === null) return null;
    try {
      const parsed = claimSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}

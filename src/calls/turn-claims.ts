import type { KeyValueStore } from '../store/key-value-store';

/**
 * Longer than any turn: Twilio gives up on a webhook after 15 s. A claim whose holder died is
 * free again after this.
 */
const CLAIM_TTL_MS = 15_000;

/** Thrown out of a turn whose effects another delivery of the same webhook runs already. */
export class TurnTaken extends Error {
  constructor() {
    super('another delivery of this webhook is running its turn');
  }
}

/** A turn's claim, taken before its first effect and held until the turn is saved. */
export interface TurnClaim {
  /** Resolves once this delivery holds the turn; throws TurnTaken when another one does. */
  take(): Promise<void>;
  /** Frees a turn that failed before it was saved, so Twilio's retry can run it. */
  release(): Promise<void>;
}

/**
 * SPEC §3: a webhook Twilio delivers twice (same call, same revision) runs its effects once. The
 * first delivery to reach an effect claims the turn (one SET NX in the shared store); the others
 * wait for its answer instead of counting a PIN again or sending a second code.
 */
export class TurnClaims {
  constructor(private readonly values: KeyValueStore) {}

  claim(callSid: string, revision: number): TurnClaim {
    const key = `turn:${callSid}:${revision}`;
    let held = false;
    return {
      take: async () => {
        if (held) return;
        if (!(await this.values.setIfAbsent(key, 'claimed', CLAIM_TTL_MS))) throw new TurnTaken();
        held = true;
      },
      // Best effort: a claim that cannot be freed expires by itself.
      release: async () => {
        if (held) await this.values.delete(key).catch(() => undefined);
      },
    };
  }
}

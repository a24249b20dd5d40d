import type { KeyValueStore } from '../store/key-value-store';

/** A callback is answered hours later at most; the link only has to outlive that conversation. */
const LEG_TTL_MS = 24 * 3600 * 1000;

/**
 * A caller who asked for a callback is reached on a new outbound call with its own CallSid, but
 * the queue, the survey and the agent API know the call by the original CallSid. This keeps the
 * link both ways, shared by every instance.
 */
export class CallLegs {
  constructor(private readonly values: KeyValueStore) {}

  async link(queuedCallSid: string, legCallSid: string): Promise<void> {
    await Promise.all([
      this.values.set(`leg:live:${queuedCallSid}`, legCallSid, LEG_TTL_MS),
      this.values.set(`leg:origin:${legCallSid}`, queuedCallSid, LEG_TTL_MS),
    ]);
  }

  /** The call that is on the phone now for a queued call. */
  async live(queuedCallSid: string): Promise<string> {
    return (await this.values.get(`leg:live:${queuedCallSid}`)) ?? queuedCallSid;
  }

  /** The queued call a (possibly callback) leg belongs to. */
  async origin(callSid: string): Promise<{ queuedCallSid: string; isCallback: boolean }> {
    const origin = await this.values.get(`leg:origin:${callSid}`);
    return origin ? { queuedCallSid: origin, isCallback: true } : { queuedCallSid: callSid, isCallback: false };
  }

  /**
   * The queued call `callSid` belongs to, if `callSid` is still the call the caller is on for it:
   * the inbound call until a callback is dialled, then the newest callback leg. Null for a call a
   * later callback dial replaced, whose late webhooks say nothing about the caller now.
   */
  async liveOrigin(callSid: string): Promise<{ queuedCallSid: string; isCallback: boolean } | null> {
    const origin = await this.origin(callSid);
    return (await this.live(origin.queuedCallSid)) === callSid ? origin : null;
  }
}

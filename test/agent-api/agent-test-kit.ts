import { newCallSid } from '../../scripts/lib/twilio-form';
import type { HandoffEntry } from '../../src/handoff/record/handoff-record';
import { SimulatedTwilioGateway } from '../../src/twilio/simulated-twilio-gateway';
import { TwilioRequestError } from '../../src/twilio/twilio-errors';
import type { CallUpdate } from '../../src/twilio/twilio-gateway';

export const ALICE = 'alice-demo-token';
export const BOB = 'bob-demo-token';
export const CAROL = 'carol-demo-token';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export { newCallSid };

/** A caller as the IVR queues one after menu 2-2 (failed transaction), verified by PIN. */
export function queuedCaller(overrides: Partial<HandoffEntry> = {}): HandoffEntry {
  return {
    callSid: newCallSid(),
    queue: 'tier1',
    from: '+8613800000001',
    language: 'zh-CN',
    identityLevel: 1,
    walletId: 'W-0001',
    intent: 'transaction.failed',
    subject: { kind: 'transaction', id: 'TX-20261125-0042' },
    priority: 'normal',
    enqueuedAt: Date.parse('2026-11-25T09:58:00+08:00'),
    dialable: true,
    ...overrides,
  };
}

/**
 * The simulate-mode gateway, which can refuse the next call update: `transient` as when Twilio or
 * the network fails (no answer from Twilio), `terminal` as Twilio does for a call that just hung
 * up (21220). `true` is `transient`.
 */
export class RefusingGateway extends SimulatedTwilioGateway {
  refuseNext: boolean | 'transient' | 'terminal' = false;

  override async updateCall(callSid: string, update: CallUpdate): Promise<void> {
    const refusal = this.refuseNext;
    if (refusal) {
      this.refuseNext = false;
      if (refusal === 'terminal') throw TwilioRequestError.refused('call-update', 21220);
      throw new Error('socket hang up');
    }
    await super.updateCall(callSid, update);
  }
}

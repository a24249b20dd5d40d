import { newCallSid } from '../../scripts/lib/twilio-form';
import type { HandoffEntry } from '../../src/handoff/record/handoff-record';
import { SimulatedTwilioGateway } from '../../src/twilio/simulated-twilio-gateway';
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

/** The simulate-mode gateway, which can refuse the next call update as Twilio does for a call that just hung up. */
export class RefusingGateway extends SimulatedTwilioGateway {
  refuseNext = false;

  override async updateCall(callSid: string, update: CallUpdate): Promise<void> {
    if (this.refuseNext) {
      this.refuseNext = false;
      throw new Error('Call is not in-progress. Cannot redirect. (Twilio 21220)');
    }
    await super.updateCall(callSid, update);
  }
}

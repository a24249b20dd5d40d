import type { Logger } from 'pino';
import type { CallbackFailures } from './callbacks/callback-failures';
import type { CallLegs } from './call-legs';
import type { HandoffRecords } from './record/handoff-records';
import type { WaitingRoom } from './waiting-room/waiting-room';

/**
 * Twilio's status callback for a call that went towards an agent: the caller's own call ended
 * (a waiting caller is removed at once, a connected one ends the conversation), or a callback's
 * outbound leg ended (unanswered: a failed dial of that claim).
 */
export class CallEnded {
  constructor(
    private readonly records: HandoffRecords,
    private readonly legs: CallLegs,
    private readonly waitingRoom: WaitingRoom,
    private readonly callbackFailures: CallbackFailures,
    private readonly log: Logger,
  ) {}

  async ended(callSid: string, status: string): Promise<void> {
    const { queuedCallSid, isCallback } = await this.legs.origin(callSid);
    if (!isCallback) return this.waitingRoom.hungUp(queuedCallSid);
    const record = await this.records.get(queuedCallSid);
    if (!record) return;
    if (record.state === 'callback-dialling' && record.token) {
      const failed = await this.records.bridgeFailed(queuedCallSid, record.token, false);
      this.log.info({ callSid: queuedCallSid, status }, 'callback leg ended before an agent was connected');
      await this.callbackFailures.afterStep(failed);
      return;
    }
    // The callback's leg was the conversation: it ends as the caller's own call would.
    if (record.state === 'connected') await this.waitingRoom.hungUp(queuedCallSid);
  }
}

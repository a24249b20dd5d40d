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
      if (failed.kind === 'done' && failed.record.state === 'closed') await this.callbackFailures.notify(failed.record);
      return;
    }
    if (record.state === 'connected') {
      const ended = await this.records.callerHungUp(queuedCallSid);
      if (ended.kind === 'done') await this.waitingRoom.conversationEnded(ended.before, ended.record);
    }
  }
}

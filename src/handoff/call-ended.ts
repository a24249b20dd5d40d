import type { Logger } from 'pino';
import type { CallbackFailures } from './callbacks/callback-failures';
import type { CallLegs } from './call-legs';
import type { HandoffRecords } from './record/handoff-records';
import type { WaitingRoom } from './waiting-room/waiting-room';

/**
 * Twilio's status callback for a call that went towards an agent. Only the call the caller is on
 * now speaks for them (their own call, or the callback's leg once dialled): it ending is the
 * caller hanging up, whatever the record's state (waiting again after an escalation, offered,
 * connected, in the survey) — except a callback leg still ringing, which is a failed dial of
 * that claim. A call a later callback dial replaced changes nothing.
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
    const origin = await this.legs.liveOrigin(callSid);
    if (!origin) return;
    const { queuedCallSid, isCallback } = origin;
    if (isCallback) {
      const record = await this.records.get(queuedCallSid);
      if (record?.state === 'callback-dialling' && record.token) {
        const failed = await this.records.bridgeFailed(queuedCallSid, record.token, false);
        this.log.info({ callSid: queuedCallSid, status }, 'callback leg ended before an agent was connected');
        await this.callbackFailures.afterStep(failed);
        return;
      }
    }
    await this.waitingRoom.hungUp(queuedCallSid);
  }
}

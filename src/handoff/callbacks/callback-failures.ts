import type { Logger } from 'pino';
import type { SmsSender } from '../../sms/sms-gate';
import type { HandoffRecord } from '../record/handoff-record';
import type { StepResult } from '../record/handoff-records';

/**
 * A callback that could not reach the caller after CALLBACK_ATTEMPTS dials (or whose number
 * Twilio refused) is closed; the caller is told by SMS (SPEC §4.1), when the number can take one.
 */
export class CallbackFailures {
  constructor(
    private readonly sms: SmsSender,
    private readonly log: Logger,
  ) {}

  /** After any step of the agent leg: tells the caller if this very step gave up on their callback. */
  async afterStep(result: StepResult): Promise<void> {
    if (result.kind === 'done' && result.before.state !== 'closed' && result.record.endReason === 'callback-failed') {
      await this.notify(result.record);
    }
  }

  /** Through the SMS gate like every SMS; a refused or failed one is logged there. */
  private async notify(record: HandoffRecord): Promise<void> {
    if (!record.dialable) return;
    const log = this.log.child({ callSid: record.callSid });
    const sent = await this.sms.send({ callSid: record.callSid, to: record.from, language: record.language, template: 'sms.callbackFailed' }, log);
    log.info({ sms: sent.kind }, 'callback failed; caller told by SMS unless refused');
  }
}

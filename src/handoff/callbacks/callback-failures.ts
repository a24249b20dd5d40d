import type { Logger } from 'pino';
import type { PromptCatalogue } from '../../prompts/prompt-catalogue';
import type { TwilioGateway } from '../../twilio/twilio-gateway';
import type { HandoffRecord } from '../record/handoff-record';
import type { StepResult } from '../record/handoff-records';

/**
 * A callback that could not reach the caller after CALLBACK_ATTEMPTS dials (or whose number
 * Twilio refused) is closed; the caller is told by SMS (SPEC §4.1), when the number can take one.
 */
export class CallbackFailures {
  constructor(
    private readonly twilio: TwilioGateway,
    private readonly catalogue: PromptCatalogue,
    private readonly log: Logger,
  ) {}

  /** After any step of the agent leg: tells the caller if this very step gave up on their callback. */
  async afterStep(result: StepResult): Promise<void> {
    if (result.kind === 'done' && result.before.state !== 'closed' && result.record.endReason === 'callback-failed') {
      await this.notify(result.record);
    }
  }

  private async notify(record: HandoffRecord): Promise<void> {
    if (!record.dialable) return;
    try {
      const body = this.catalogue.render(record.language, 'sms.callbackFailed');
      await this.twilio.sendSms({ to: record.from, body, callSid: record.callSid });
      this.log.info({ callSid: record.callSid }, 'callback failed; caller told by SMS');
    } catch (error) {
      this.log.error({ err: error, callSid: record.callSid }, 'callback failed and the SMS telling the caller could not be sent');
    }
  }
}

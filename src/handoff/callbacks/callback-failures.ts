import type { Logger } from 'pino';
import type { PromptCatalogue } from '../../prompts/prompt-catalogue';
import type { TwilioGateway } from '../../twilio/twilio-gateway';
import type { HandoffRecord } from '../record/handoff-record';

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

  async notify(record: HandoffRecord): Promise<void> {
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

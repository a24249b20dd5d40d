import type { Logger } from 'pino';
import { PromptCatalogueError, type PromptCatalogue } from '../prompts/prompt-catalogue';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import type { HandoffRecord } from './record/handoff-record';

/** The kind of this SMS, for limits and logs: one per wrap-up. */
export const SUMMARY_SMS_KIND = 'summary';

const TEMPLATES = { plain: 'sms.summary', withCase: 'sms.summaryWithCase' } as const;

export type SummaryOutcome = 'sent' | 'notDialable' | 'failed';

/**
 * The agent's wrap-up summary for the caller, by SMS (the seed's "记录解决方案": the caller keeps
 * what was done), with the case number when the IVR opened one. The one way a wrap-up texts a
 * caller: to the number they called from, only when it is dialable (never a withheld, SIP or
 * client caller: the record's `dialable`, decided when they were queued). A failed SMS never
 * undoes the wrap-up; it is logged.
 */
export class CallerSummary {
  constructor(
    private readonly twilio: TwilioGateway,
    private readonly catalogue: PromptCatalogue,
    private readonly log: Logger,
  ) {
    const missing = catalogue.missing(Object.values(TEMPLATES));
    if (missing.length > 0) throw new PromptCatalogueError(`the wrap-up summary SMS needs prompts missing from the catalogue: ${missing.join(', ')}`);
  }

  async send(record: HandoffRecord, summary: string): Promise<SummaryOutcome> {
    const log = this.log.child({ callSid: record.callSid, sms: SUMMARY_SMS_KIND });
    if (!record.dialable) {
      log.info('wrap-up summary not texted: the caller has no number we may text');
      return 'notDialable';
    }
    const caseId = record.subject?.kind === 'case' ? record.subject.id : undefined;
    const body = caseId
      ? this.catalogue.render(record.language, TEMPLATES.withCase, { summary, caseId })
      : this.catalogue.render(record.language, TEMPLATES.plain, { summary });
    try {
      await this.twilio.sendSms({ to: record.from, body, callSid: record.callSid });
      log.info({ withCase: caseId !== undefined }, 'wrap-up summary texted to the caller');
      return 'sent';
    } catch (error) {
      log.error({ err: error }, 'wrap-up summary could not be texted to the caller');
      return 'failed';
    }
  }
}

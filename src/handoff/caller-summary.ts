import type { Logger } from 'pino';
import type { PromptVars } from '../../flows/vocabulary';
import { PromptCatalogueError, type PromptCatalogue } from '../prompts/prompt-catalogue';
import type { SmsSender } from '../sms/sms-gate';
import type { HandoffRecord } from './record/handoff-record';

/** The kind of this SMS, for limits and logs: one per wrap-up. */
export const SUMMARY_SMS_KIND = 'summary';

const TEMPLATES = { plain: 'sms.summary', withCase: 'sms.summaryWithCase' } as const;

/**
 * `refused`: the SMS limits (SPEC §3) refused it, e.g. the call had its 3 SMS already;
 * `alreadySent`: the call's summary was texted before (one per call: a wrap-up sent again).
 */
export type SummaryOutcome = 'sent' | 'notDialable' | 'refused' | 'alreadySent' | 'failed';

/**
 * The agent's wrap-up summary for the caller, by SMS (the seed's "记录解决方案": the caller keeps
 * what was done), with the case number when the IVR opened one. The one way a wrap-up texts a
 * caller: to the number they called from, only when it is dialable (never a withheld, SIP or
 * client caller: the record's `dialable`, decided when they were queued), through the SMS gate
 * like every SMS, so its limits hold. A refused or failed SMS never undoes the wrap-up; it is logged.
 */
export class CallerSummary {
  constructor(
    private readonly sms: SmsSender,
    catalogue: PromptCatalogue,
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
    const text: { template: string; vars: PromptVars } = caseId
      ? { template: TEMPLATES.withCase, vars: { summary, caseId } }
      : { template: TEMPLATES.plain, vars: { summary } };
    const outcome = await this.sms.send({ callSid: record.callSid, to: record.from, language: record.language, ...text }, log);
    if (outcome.kind === 'sent') log.info({ withCase: caseId !== undefined }, 'wrap-up summary texted to the caller');
    else log.warn({ outcome: outcome.kind === 'refused' ? outcome.reason : outcome.kind }, 'wrap-up summary not texted to the caller');
    if (outcome.kind === 'refused') return outcome.reason === 'alreadySent' ? 'alreadySent' : 'refused';
    return outcome.kind;
  }
}

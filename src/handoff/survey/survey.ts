import type { Logger } from 'pino';
import type { Language } from '../../../flows/vocabulary';
import { answer, type Answer } from '../../twilio/answer';
import type { HandoffEvents } from '../handoff-events';
import type { HandoffRecords } from '../record/handoff-records';

/** A survey asks twice at most: a caller who says nothing is thanked, not pestered. */
const SURVEY_ATTEMPTS = 2;

/** The one-question satisfaction survey after the agent conversation (SPEC §4); the answer is kept with the record. */
export class Survey {
  constructor(
    private readonly records: HandoffRecords,
    private readonly events: HandoffEvents,
    private readonly log: Logger,
  ) {}

  /** The survey's answer (or its silence); no valid key gets one more try, then thanks and goodbye. */
  async answered(callSid: string, attempt: number, language: Language, digits: string | undefined): Promise<Answer> {
    const score = /^[1-5]$/.test(digits ?? '') ? Number(digits) : null;
    if (score !== null) {
      try {
        const stored = await this.records.surveyAnswered(callSid, score);
        if (stored.kind !== 'done') this.log.warn({ callSid, refused: stored.refused }, 'survey answer for a call without a finished hand-off');
      } catch (error) {
        this.log.error({ err: error, callSid }, 'survey answer could not be stored');
      }
      this.events.onSurvey({ callSid, score });
      return answer(language, [{ key: 'survey.thanks' }], { kind: 'hangup' });
    }
    if (attempt < SURVEY_ATTEMPTS) {
      return answer(language, [{ key: digits ? 'hint.wrongKey' : 'hint.noInput' }], { kind: 'survey', callSid, attempt: attempt + 1 });
    }
    this.events.onSurvey({ callSid, score: null });
    return answer(language, [{ key: 'call.goodbye' }], { kind: 'hangup' });
  }
}

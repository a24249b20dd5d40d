import type { KeyValueStore } from '../store/key-value-store';
import type { CallOutcome, CallOutcomes, WrapUp } from './call-outcomes';

/** Long enough for monthly satisfaction reports to read them. */
const OUTCOME_TTL_MS = 90 * 24 * 3600 * 1000;

/**
 * Call outcomes in the shared key-value store. The wrap-up (agent API) and the survey (caller's
 * webhook) may arrive at once on different instances, so each has its own key: no
 * read-modify-write can lose the other.
 */
export class StoreCallOutcomes implements CallOutcomes {
  constructor(private readonly values: KeyValueStore) {}

  async recordWrapUp(callSid: string, wrapUp: WrapUp): Promise<void> {
    await this.values.set(key(callSid, 'wrapUp'), JSON.stringify(wrapUp), OUTCOME_TTL_MS);
  }

  async recordSurvey(callSid: string, score: number): Promise<void> {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw new RangeError(`survey score must be 1–5, got ${score}`);
    await this.values.set(key(callSid, 'survey'), String(score), OUTCOME_TTL_MS);
  }

  async get(callSid: string): Promise<CallOutcome | null> {
    const [wrapUp, survey] = await Promise.all([this.values.get(key(callSid, 'wrapUp')), this.values.get(key(callSid, 'survey'))]);
    if (wrapUp === null && survey === null) return null;
    return {
      callSid,
      ...(wrapUp !== null ? { wrapUp: JSON.parse(wrapUp) as WrapUp } : {}),
      ...(survey !== null ? { survey: Number(survey) } : {}),
    };
  }
}

function key(callSid: string, part: 'wrapUp' | 'survey'): string {
  return `outcome:${callSid}:${part}`;
}

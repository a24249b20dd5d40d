import type { Tier } from '../../../flows/vocabulary';
import type { HandoffRecords } from '../record/handoff-records';
import type { WaitSampleSource } from './wait-announcer';
import {
  DEFAULT_WINDOW_MS,
  decodeSample,
  encodeSample,
  inWindow,
  recentWaitSamples,
  sampleOf,
  type AnsweredCall,
  type HandleSample,
  type OpenAt,
} from './wait-samples';

/**
 * The waiting room's figures kept with the hand-off records (Redis lists, or the embedded store),
 * so every instance estimates from the same answers: the rule of wait-samples.ts decides what
 * counts, the store keeps the newest of each kind.
 */
export class StoredWaitSamples implements WaitSampleSource {
  constructor(
    private readonly records: HandoffRecords,
    private readonly open: OpenAt,
    private readonly windowMs = DEFAULT_WINDOW_MS,
  ) {}

  /** Once per caller an agent answered. */
  async recordAnswer(call: AnsweredCall): Promise<void> {
    const sample = sampleOf(call, this.open);
    if (sample) return this.records.pushFigure('waits', call.queue, encodeSample(sample));
    // A callback answered in open hours moved the line on without being a live wait.
    if (call.callbackRequested && this.open(new Date(call.answeredAt))) {
      await this.records.pushFigure('answers', call.queue, String(Math.round(call.answeredAt)));
    }
  }

  /** Once per finished conversation. */
  async recordHandle(sample: HandleSample): Promise<void> {
    if (!Number.isFinite(sample.handleMs) || sample.handleMs <= 0) return;
    await this.records.pushFigure('handles', sample.queue, String(Math.round(sample.handleMs)));
  }

  async recent(queue: Tier, now: number) {
    const samples = (await this.records.figures('waits', queue)).flatMap((text) => decodeSample(queue, text) ?? []);
    return recentWaitSamples(samples, queue, now, this.windowMs);
  }

  async otherAnswers(queue: Tier, now: number): Promise<number[]> {
    const answers = (await this.records.figures('answers', queue)).map((text) => ({ queue, answeredAt: Number(text) }));
    return inWindow(answers, queue, now, this.windowMs, (answer) => answer.answeredAt).map((answer) => answer.answeredAt);
  }

  async handleTimesMs(queue: Tier): Promise<number[]> {
    return (await this.records.figures('handles', queue)).map(Number).filter((ms) => Number.isFinite(ms) && ms > 0);
  }
}

import type { Tier } from '../../../flows/vocabulary';
import type { HandoffRecords } from '../record/handoff-records';
import {
  decodeSample,
  encodeSample,
  hangUpOf,
  sampleOf,
  type AnsweredCall,
  type HandleSample,
  type HangUpSample,
  type OpenAt,
  type QueueFigures,
  type WaitSampleSource,
} from './wait-samples';

/**
 * The waiting room's figures kept with the hand-off records (Redis lists, or the embedded store),
 * so every instance estimates from the same answers: the rule of wait-samples.ts decides what
 * counts, the store keeps the newest of each kind.
 */
export class StoredWaitSamples implements WaitSampleSource {
  constructor(
    private readonly records: Pick<HandoffRecords, 'pushFigure' | 'figures'>,
    private readonly open: OpenAt,
  ) {}

  /** Once per caller an agent answered. */
  async recordAnswer(call: AnsweredCall): Promise<void> {
    const sample = sampleOf(call, this.open);
    if (sample) await this.records.pushFigure('waits', call.queue, encodeSample(sample));
  }

  /** Once per live caller who hung up while waiting. */
  async recordHangUp(hangUp: HangUpSample): Promise<void> {
    const sample = hangUpOf(hangUp, this.open);
    if (sample) await this.records.pushFigure('hangUps', hangUp.queue, encodeSample({ queue: sample.queue, answeredAt: sample.hungUpAt, waitedMs: sample.waitedMs }));
  }

  /** Once per finished conversation. */
  async recordHandle(sample: HandleSample): Promise<void> {
    if (!Number.isFinite(sample.handleMs) || sample.handleMs <= 0) return;
    await this.records.pushFigure('handles', sample.queue, String(Math.round(sample.handleMs)));
  }

  /** The three lists of a queue, asked together (one round trip). */
  async figures(queue: Tier): Promise<QueueFigures> {
    const [waits, hangUps, handles] = await Promise.all([
      this.records.figures('waits', queue),
      this.records.figures('hangUps', queue),
      this.records.figures('handles', queue),
    ]);
    const decode = (texts: string[]) => texts.flatMap((text) => decodeSample(queue, text) ?? []);
    return {
      samples: decode(waits),
      hangUps: decode(hangUps).map((s) => ({ queue, hungUpAt: s.answeredAt, waitedMs: s.waitedMs })),
      handleTimesMs: handles.map(Number).filter((ms) => Number.isFinite(ms) && ms > 0),
    };
  }
}

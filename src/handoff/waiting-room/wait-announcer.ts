import { TIERS, type Tier } from '../../../flows/vocabulary';
import type { Speech } from '../../twilio/answer';
import { decideAnnouncement, type AnnouncementMemory, type AnnouncementRecord, type Decision } from './announcement-memory';
import { quietHoursSpeech, type QuietHoursSource } from './quiet-hours-hint';
import { announcementSpeech } from './wait-announcement';
import type { QueueNow } from './queues-now';
import { DEFAULT_WAIT_MODEL, waitModel, type WaitModel, type WaitModelConfig } from './wait-estimator';
import type { WaitSampleSource } from './wait-samples';

/**
 * The waiting room's announcement: the caller's place in, what they hear out. Estimator
 * (wait-estimator.ts) → memory rules (announcement-memory.ts) → wording (wait-announcement.ts).
 * Everything it reads comes through the small interfaces below, so the hand-off can feed it from
 * Redis, the embedded store, or (in the bench) a simulation. The queues' figures and agents are
 * read at most once per `reuseMs` on an instance, however many callers wait on it.
 */
export interface WaitAnnouncerDeps {
  samples: WaitSampleSource;
  /** Each queue now: its agents and who waits (queues-now.ts); a queue left out: unknown. */
  queuesNow(now: number): Partial<Record<Tier, QueueNow>> | Promise<Partial<Record<Tier, QueueNow>>>;
  memory: AnnouncementMemory;
  config?: WaitModelConfig;
  /** How long the queues' model is reused on this instance; 0: read for every caller. */
  reuseMs?: number;
  /** When waits are usually shortest, told on long waits (quiet-hours-hint.ts). */
  quietHours?: QuietHoursSource;
}

/** A queue's estimate now: the model (null: no number) and how many agents serve it. */
export interface QueueModel {
  model: WaitModel | null;
  agentsServing: number | null;
}

export interface WaitAnnouncement {
  speech: Speech[];
  decision: Decision;
  /** What the model said before the memory rules (null: no number). */
  modelEstimateMs: number | null;
}

export const DEFAULT_REUSE_MS = 1000;

export class WaitAnnouncer {
  private readonly config: WaitModelConfig;
  private cached: { at: number; models: Promise<Map<Tier, QueueModel>> } | null = null;

  constructor(private readonly deps: WaitAnnouncerDeps) {
    this.config = deps.config ?? DEFAULT_WAIT_MODEL;
  }

  /** Every queue's model now: read once per `reuseMs` (the reads of concurrent callers are shared). */
  models(now: number): Promise<Map<Tier, QueueModel>> {
    const reuseMs = this.deps.reuseMs ?? DEFAULT_REUSE_MS;
    const cached = this.cached;
    if (cached && now >= cached.at && now - cached.at < reuseMs) return cached.models;
    const models = this.read(now);
    this.cached = { at: now, models };
    // A failed read is not kept: the next caller reads again.
    models.catch(() => {
      if (this.cached?.models === models) this.cached = null;
    });
    return models;
  }

  private async read(now: number): Promise<Map<Tier, QueueModel>> {
    const [queues, ...figures] = await Promise.all([this.deps.queuesNow(now), ...TIERS.map((queue) => this.deps.samples.figures(queue))]);
    return new Map(
      TIERS.map((queue, i): [Tier, QueueModel] => {
        const agents = queues[queue]?.agents ?? null;
        const model = waitModel({ ...figures[i]!, agents, onLine: queues[queue]?.onLine ?? [] }, this.config);
        return [queue, { model, agentsServing: agents?.length ?? null }];
      }),
    );
  }

  /** What the caller at `position` of `queue` hears, given what they were told before. */
  hear(previous: AnnouncementRecord | null, place: { queue: Tier; position: number }, queue: QueueModel, now: number): WaitAnnouncement {
    const modelEstimateMs = queue.model?.estimateMs(place.position) ?? null;
    const decision = decideAnnouncement(previous, { ...place, estimateMs: modelEstimateMs, agentsServing: queue.agentsServing, now });
    const quietHours = quietHoursSpeech(this.deps.quietHours, place.queue, decision.announcement.estimateMs);
    return { speech: announcementSpeech(decision.announcement, quietHours), decision, modelEstimateMs };
  }

  /** The model's estimate for `position` of `queue` now (the supervisors' overview); null: no number. */
  async estimateMs(queue: Tier, position: number, now: number): Promise<number | null> {
    return (await this.models(now)).get(queue)?.model?.estimateMs(position) ?? null;
  }

  /** The whole round for one caller: recall, estimate, decide, remember. */
  async announce(callSid: string, place: { queue: Tier; position: number }, now: number): Promise<WaitAnnouncement> {
    const [previous, models] = await Promise.all([this.deps.memory.recall(callSid), this.models(now)]);
    const heard = this.hear(previous, place, models.get(place.queue)!, now);
    await this.deps.memory.remember(callSid, heard.decision.record);
    return heard;
  }
}

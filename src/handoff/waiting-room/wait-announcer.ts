import type { Tier } from '../../../flows/vocabulary';
import type { Speech } from '../../twilio/answer';
import type { AnnouncementMemory, Decision } from './announcement-memory';
import { quietHoursSpeech, type QuietHoursSource } from './quiet-hours-hint';
import { announcementSpeech } from './wait-announcement';
import { DEFAULT_WAIT_MODEL, waitForPosition, waitModel, type WaitModel, type WaitModelConfig } from './wait-estimator';
import { openSince, type OpenAt, type WaitSample } from './wait-samples';

/**
 * The waiting room's one call per wait-URL request: the caller's place in, what they hear out.
 * Estimator (wait-estimator.ts) → memory rules (announcement-memory.ts) → wording
 * (wait-announcement.ts). Everything it reads comes through the small interfaces below, so the
 * hand-off can feed it from Redis, the embedded store, or (in the bench) a simulation.
 */
export interface WaitSampleSource {
  /** Samples of `queue` that passed the rule of wait-samples.ts, within the window. */
  recent(queue: Tier, now: number): WaitSample[] | Promise<WaitSample[]>;
  /** Callbacks of `queue` answered in open hours within the window: they moved the line too. */
  otherAnswers?(queue: Tier, now: number): number[] | Promise<number[]>;
  /** Recent talk times of `queue`'s conversations. */
  handleTimesMs(queue: Tier): number[] | Promise<number[]>;
}

export interface WaitAnnouncerDeps {
  samples: WaitSampleSource;
  /** Agents serving `queue` now, available or busy (see `countAgentsServing`); null when unknown. */
  agentsServing(queue: Tier): number | null | Promise<number | null>;
  memory: AnnouncementMemory;
  open: OpenAt;
  config?: WaitModelConfig;
  /** When waits are usually shortest, told on long waits (quiet-hours-hint.ts). */
  quietHours?: QuietHoursSource;
}

export interface WaitAnnouncement {
  speech: Speech[];
  decision: Decision;
  /** What the model said before the memory rules (null: no number). */
  modelEstimateMs: number | null;
}

/** An agent of the directory, as far as the count needs: their id and the tiers they serve. */
export interface ServingAgent {
  id: string;
  tiers: readonly Tier[];
}

/**
 * Agents serving `queue` now: those who serve it and are either available or busy with a call
 * (claimed or connected, whatever queue it came from). An agent serving both tiers counts in both;
 * the observed pace corrects for the share they give each.
 */
export function countAgentsServing(queue: Tier, agents: readonly ServingAgent[], available: Iterable<string>, busy: Iterable<string>): number {
  const onDuty = new Set([...available, ...busy]);
  return agents.filter((agent) => agent.tiers.includes(queue) && onDuty.has(agent.id)).length;
}

export class WaitAnnouncer {
  private readonly config: WaitModelConfig;

  constructor(private readonly deps: WaitAnnouncerDeps) {
    this.config = deps.config ?? DEFAULT_WAIT_MODEL;
  }

  /** The queue's pace now; null when no number can be given. */
  async model(queue: Tier, now: number): Promise<{ model: WaitModel | null; agentsServing: number | null }> {
    const [samples, otherAnswers, handleTimesMs, agentsServing] = await Promise.all([
      this.deps.samples.recent(queue, now),
      this.deps.samples.otherAnswers?.(queue, now) ?? [],
      this.deps.samples.handleTimesMs(queue),
      this.deps.agentsServing(queue),
    ]);
    const model = waitModel(
      { samples, otherAnswers, handleTimesMs, agentsServing, now, openSince: openSince(now, this.deps.open, this.config.windowMs) },
      this.config,
    );
    return { model, agentsServing };
  }

  async estimateMs(queue: Tier, position: number, now: number): Promise<number | null> {
    const { model } = await this.model(queue, now);
    return model === null ? null : waitForPosition(model, position, this.config);
  }

  /** What the caller at `position` of `queue` hears now; remembers it for the next round. */
  async announce(callSid: string, place: { queue: Tier; position: number }, now: number): Promise<WaitAnnouncement> {
    const { model, agentsServing } = await this.model(place.queue, now);
    const modelEstimateMs = model === null ? null : waitForPosition(model, place.position, this.config);
    const decision = await this.deps.memory.announce(callSid, {
      queue: place.queue,
      position: place.position,
      estimateMs: modelEstimateMs,
      agentsServing,
      now,
    });
    const quietHours = quietHoursSpeech(this.deps.quietHours, place.queue, decision.announcement.estimateMs);
    return { speech: [...announcementSpeech(decision.announcement), ...quietHours], decision, modelEstimateMs };
  }
}

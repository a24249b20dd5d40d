import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { TIERS, type Language } from '../../../flows/vocabulary';
import type { Clock } from '../../clock';
import { endOfNextBusinessDay, type BusinessHours } from '../../hours/business-hours';
import { answer, type Answer, type Speech } from '../../twilio/answer';
import type { CallLegs } from '../call-legs';
import type { HandoffEvents } from '../handoff-events';
import type { HandoffRecord } from '../record/handoff-record';
import type { HandoffRecords } from '../record/handoff-records';
import { heartbeat } from '../record/transitions/waiting-transitions';
import type { AnnouncementMemory } from './announcement-memory';
import type { StoredWaitSamples } from './stored-wait-samples';
import type { WaitAnnouncer } from './wait-announcer';

export interface WaitingRoomDeps {
  records: HandoffRecords;
  announcer: WaitAnnouncer;
  memory: AnnouncementMemory;
  samples: StoredWaitSamples;
  legs: CallLegs;
  events: HandoffEvents;
  clock: Clock;
  businessHours: BusinessHours;
  timeZone: string;
  defaultLanguage: Language;
  log: Logger;
}

/** What a caller we cannot call back must not be offered (SPEC §3 "Withheld numbers"). */
const CALLBACK_OFFERS = new Set(['queue.wait.callbackOffer', 'queue.wait.callbackFirst']);

/**
 * Twilio's waiting room, as our records see it: each request of the wait URL is the caller's
 * heartbeat and announces their position in OUR queue and the estimated wait (wait-announcer.ts:
 * never a higher position or a worse estimate without a word); 1 asks for a callback (keeping the
 * place); the `<Enqueue action>` says how the caller left. It also keeps the figures the estimate
 * learns from: each answer and each conversation's length.
 */
export class WaitingRoom {
  constructor(private readonly deps: WaitingRoomDeps) {}

  /** `<Enqueue waitUrl>`. A callback leg (rare here) is known by the queued call's CallSid. */
  async wait(callSid: string): Promise<Answer> {
    const answered = await this.waitAs(callSid);
    if (answered) return answered;
    const { queuedCallSid, isCallback } = await this.deps.legs.origin(callSid);
    return (isCallback && (await this.waitAs(queuedCallSid))) || answer(this.deps.defaultLanguage, [], { kind: 'leave' });
  }

  /**
   * One round of the waiting room for the call queued as `callSid`; null when there is no such
   * record. Everything that does not depend on the record is read together with it, in one round
   * trip: the record (and the heartbeat), what the caller was told last time, their place in each
   * queue, and the queues' figures (read at most once a second on this instance). Then the
   * heartbeat is applied and what the caller hears is remembered: three round trips in all.
   */
  private async waitAs(callSid: string): Promise<Answer | null> {
    const { records, announcer, memory } = this.deps;
    const now = this.deps.clock.now();
    let read: HandoffRecord | null = null;
    const [beat, previous, places, models] = await Promise.all([
      records.run(callSid, (stored) => {
        read = stored.record;
        return heartbeat(stored, now, randomUUID());
      }),
      memory.recall(callSid),
      Promise.all(TIERS.map((queue) => records.position({ queue, callSid }))),
      announcer.models(now),
    ]);
    if (beat.kind === 'refused' && beat.refused === 'not-found') return null;
    const record: HandoffRecord | null = beat.kind === 'done' ? beat.record : read;
    // Our records no longer hold the caller in a queue: leave Twilio's room too; its action decides what next.
    if (!record || (record.state !== 'waiting' && record.state !== 'callback-waiting' && record.state !== 'offered')) {
      return answer(record?.language ?? this.deps.defaultLanguage, [], { kind: 'leave' });
    }
    const place = record.state === 'offered' ? null : places[TIERS.indexOf(record.queue)];
    if (!place) return answer(record.language, [{ key: 'queue.connectingSoon' }], { kind: 'hold' });
    const heard = announcer.hear(previous, { queue: record.queue, position: place.position }, models.get(record.queue)!, now);
    await memory.remember(callSid, heard.decision.record);
    const offer = record.dialable && record.state === 'waiting';
    const speech = offer ? heard.speech : heard.speech.filter((item) => !CALLBACK_OFFERS.has(item.key));
    // The announcement is a Gather only when 1 means something.
    return answer(record.language, speech, { kind: offer ? 'wait' : 'hold' });
  }

  /** An agent answered: the wait is a figure of the queue's pace (wait-samples.ts decides whether it counts). */
  async answered(record: HandoffRecord, waitedMs: number): Promise<void> {
    await this.deps.samples.recordAnswer({ queue: record.queue, answeredAt: this.deps.clock.now(), waitedMs, callbackRequested: record.callbackAsked });
  }

  /** A conversation ended: its length is a figure of what the agents can do. */
  async conversationEnded(before: HandoffRecord, after: HandoffRecord): Promise<void> {
    if (before.state !== 'connected' || before.connectedAt === undefined) return;
    const endedAt = after.endedAt ?? this.deps.clock.now();
    await this.deps.samples.recordHandle({ queue: before.queue, endedAt, handleMs: endedAt - before.connectedAt });
  }

  /** A key pressed during the announcement: 1 asks for a callback, keeping the caller's place. */
  async waitKey(callSid: string, digits: string): Promise<Answer> {
    const { records } = this.deps;
    const { queuedCallSid } = await this.deps.legs.origin(callSid);
    const record = await records.get(queuedCallSid);
    const language = record?.language ?? this.deps.defaultLanguage;
    if (digits !== '1' || !record) return answer(language, [], { kind: 'hold' });
    const expiresAt = endOfNextBusinessDay(this.deps.clock.now(), this.deps.businessHours, this.deps.timeZone);
    const recorded = (await records.requestCallback(queuedCallSid, expiresAt)).kind === 'done';
    this.deps.log.info({ callSid: queuedCallSid, recorded }, 'waiting caller asked for a callback');
    return answer(language, [{ key: recorded ? 'queue.callbackRecorded' : 'queue.callbackFailed' }], { kind: 'hold' });
  }

  /**
   * `<Enqueue action>`: the caller left Twilio's waiting room. Bridged, or moved on by our own call
   * update (an agent's dial, an escalation): the call goes on elsewhere and nothing is requeued.
   * Hung up: the record learns it at once. Anything else: back into the room, or on to a person.
   */
  async left(callSid: string, result: string, lost: (language: Language) => Answer): Promise<Answer> {
    const language = this.deps.defaultLanguage;
    if (MOVED_ON.has(result)) return answer(language, [], { kind: 'done' });
    if (result === 'hangup') {
      // Only the call the caller is on now: not the inbound call or an earlier leg a callback replaced.
      const live = await this.deps.legs.liveOrigin(callSid);
      if (live) await this.hungUp(live.queuedCallSid);
      return answer(language, [], { kind: 'done' });
    }
    const { queuedCallSid } = await this.deps.legs.origin(callSid);
    const record = await this.deps.records.get(queuedCallSid);
    this.deps.log.warn({ callSid, result, state: record?.state ?? null }, 'caller left the waiting room unexpectedly');
    if (record && (record.state === 'waiting' || record.state === 'callback-waiting')) {
      return answer(record.language, [{ key: 'queue.rejoin' }], { kind: 'enqueue', queue: record.queue });
    }
    return lost(record?.language ?? language);
  }

  /** The caller's own call ended while with us (status callback, or the waiting room's hang-up). */
  async hungUp(queuedCallSid: string): Promise<void> {
    const result = await this.deps.records.callerHungUp(queuedCallSid);
    if (result.kind === 'done') await this.conversationEnded(result.before, result.record);
    if (result.kind === 'done' && result.before.state === 'waiting') {
      const now = this.deps.clock.now();
      const waitedMs = Math.max(0, now - result.before.waitingSince);
      // A live caller who gave up: a figure of how patient callers are (wait-samples.ts decides whether it counts).
      await this.deps.samples.recordHangUp({ queue: result.before.queue, hungUpAt: now, waitedMs });
      this.deps.events.onAbandoned({ callSid: queuedCallSid, queue: result.before.queue, position: null, waitedMs });
    }
  }
}

/** `<Enqueue action>` results after which the call goes on elsewhere (SPEC §4.1). */
const MOVED_ON = new Set(['bridged', 'bridging-in-process', 'redirected', 'redirected-from-bridged']);

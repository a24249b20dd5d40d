import type { Logger } from 'pino';
import type { Language } from '../../../flows/vocabulary';
import type { Clock } from '../../clock';
import { endOfNextBusinessDay, type BusinessHours } from '../../hours/business-hours';
import { answer, type Answer, type Speech } from '../../twilio/answer';
import type { CallLegs } from '../call-legs';
import type { HandoffEvents } from '../handoff-events';
import type { HandoffRecords } from '../record/handoff-records';
import { estimateWaitMs } from './estimated-wait';

export interface WaitingRoomDeps {
  records: HandoffRecords;
  legs: CallLegs;
  events: HandoffEvents;
  clock: Clock;
  businessHours: BusinessHours;
  timeZone: string;
  defaultLanguage: Language;
  log: Logger;
}

const MINUTE_MS = 60_000;

/**
 * Twilio's waiting room, as our records see it: each request of the wait URL is the caller's
 * heartbeat and announces their position in OUR queue and the estimated wait; 1 asks for a
 * callback (keeping the place); the `<Enqueue action>` says how the caller left.
 */
export class WaitingRoom {
  constructor(private readonly deps: WaitingRoomDeps) {}

  /** `<Enqueue waitUrl>`. */
  async wait(callSid: string): Promise<Answer> {
    const { records } = this.deps;
    const { queuedCallSid } = await this.deps.legs.origin(callSid);
    const beat = await records.heartbeat(queuedCallSid);
    const record = beat.kind === 'done' ? beat.record : await records.get(queuedCallSid);
    // Our records no longer hold the caller in a queue: leave Twilio's room too; its action decides what next.
    if (!record || (record.state !== 'waiting' && record.state !== 'callback-waiting' && record.state !== 'offered')) {
      return answer(record?.language ?? this.deps.defaultLanguage, [], { kind: 'leave' });
    }
    const place = record.state === 'offered' ? null : await records.position(record);
    if (!place) return answer(record.language, [{ key: 'queue.connectingSoon' }], { kind: 'hold' });
    const estimate = estimateWaitMs(await records.recentWaits(record.queue), place.position);
    // A caller we cannot call back is not offered a callback (SPEC §3 "Withheld numbers").
    const offer = record.dialable && record.state === 'waiting';
    const announcement: Speech =
      estimate === null
        ? { key: offer ? 'queue.positionNoEstimate' : 'queue.positionNoEstimateNoCallback', vars: { position: place.position } }
        : {
            key: offer ? 'queue.position' : 'queue.positionNoCallback',
            vars: { position: place.position, minutes: Math.max(1, Math.ceil(estimate / MINUTE_MS)) },
          };
    return answer(record.language, [announcement], { kind: offer ? 'wait' : 'hold' });
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
    const { queuedCallSid } = await this.deps.legs.origin(callSid);
    if (result === 'hangup') {
      await this.hungUp(queuedCallSid);
      return answer(language, [], { kind: 'done' });
    }
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
    if (result.kind === 'done' && result.before.state === 'waiting') {
      this.deps.events.onAbandoned({
        callSid: queuedCallSid,
        queue: result.before.queue,
        position: null,
        waitedMs: Math.max(0, this.deps.clock.now() - result.before.waitingSince),
      });
    }
  }
}

/** `<Enqueue action>` results after which the call goes on elsewhere (SPEC §4.1). */
const MOVED_ON = new Set(['bridged', 'bridging-in-process', 'redirected', 'redirected-from-bridged']);

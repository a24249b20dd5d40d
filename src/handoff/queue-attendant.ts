import type { Logger } from 'pino';
import type { Speech } from '../calls/turn';
import type { Clock } from '../clock';
import type { Language } from '../config';
import type { HumanQueue } from '../queue/human-queue';
import type { CallLegs } from './call-legs';
import type { CallOutcomes } from './call-outcomes';
import type { HandoffEvents } from './handoff-events';
import type { HandoffTwiml } from './handoff-twiml';

export interface QueueAttendantDeps {
  queue: HumanQueue;
  legs: CallLegs;
  outcomes: CallOutcomes;
  twiml: HandoffTwiml;
  events: HandoffEvents;
  clock: Clock;
  defaultLanguage: Language;
  overflowNumber: string | undefined;
  log: Logger;
}

/** A survey asks twice at most: a caller who says nothing is thanked, not pestered. */
const SURVEY_ATTEMPTS = 2;
const MINUTE_MS = 60_000;

/**
 * The caller's side of the wait for a human, one Twilio webhook per method, each answering TwiML:
 * the wait announcements, the callback key, leaving the waiting room, the agent's leg answering
 * or failing, the survey, and the end of the call. Every caller's place lives in our Redis queue,
 * so any instance can answer any of these.
 */
export class QueueAttendant {
  constructor(private readonly deps: QueueAttendantDeps) {}

  /** `<Enqueue waitUrl>`: this caller's position in OUR queue (not Twilio's) and the estimated wait. */
  async wait(callSid: string): Promise<string> {
    const { queue, twiml } = this.deps;
    const { queuedCallSid } = await this.deps.legs.origin(callSid);
    const entry = await queue.getEntry(queuedCallSid);
    // Our queue has forgotten the caller: leave Twilio's room too; its action decides what next.
    if (!entry) return twiml.leave();
    const place = await queue.position(queuedCallSid);
    if (!place) return twiml.hold(entry.language, [{ key: 'queue.connectingSoon' }]);
    const estimate = await queue.estimatedWaitMs(place.queue, place.position);
    const announcement: Speech =
      estimate === null
        ? { key: 'queue.positionNoEstimate', vars: { position: place.position } }
        : { key: 'queue.position', vars: { position: place.position, minutes: Math.max(1, Math.ceil(estimate / MINUTE_MS)) } };
    return twiml.wait(entry.language, [announcement]);
  }

  /** A key pressed during the announcement: 1 asks for a callback, keeping the caller's place. */
  async waitKey(callSid: string, digits: string): Promise<string> {
    const { queuedCallSid } = await this.deps.legs.origin(callSid);
    const entry = await this.deps.queue.getEntry(queuedCallSid);
    const language = entry?.language ?? this.deps.defaultLanguage;
    if (digits !== '1' || !entry) return this.deps.twiml.hold(language, []);
    const recorded = await this.deps.queue.requestCallback(queuedCallSid);
    this.deps.log.info({ callSid: queuedCallSid, recorded }, 'waiting caller asked for a callback');
    return this.deps.twiml.hold(language, [{ key: recorded ? 'queue.callbackRecorded' : 'queue.callbackFailed' }]);
  }

  /** `<Enqueue action>`: the caller left Twilio's waiting room. */
  async left(callSid: string, result: string): Promise<string> {
    const { twiml } = this.deps;
    // Bridged or moved out by our own call update: the call goes on elsewhere.
    if (result === 'bridged' || result === 'redirected') return twiml.empty();
    if (result === 'hangup') {
      await this.callEnded(callSid, 'completed');
      return twiml.empty();
    }
    // error, system-shutdown, queue-full, leave: back into the room, or on to a person.
    const { queuedCallSid } = await this.deps.legs.origin(callSid);
    const entry = await this.deps.queue.getEntry(queuedCallSid);
    this.deps.log.warn({ callSid, result, known: Boolean(entry) }, 'caller left the waiting room unexpectedly');
    if (entry) return twiml.enqueue(entry.language, [{ key: 'queue.rejoin' }], entry.queue);
    return this.lost(this.deps.defaultLanguage);
  }

  /**
   * Twilio's status callback (or the waiting room's hang-up): a waiting caller is removed at once,
   * unless they asked for a callback; a callback leg the caller did not answer is tried again.
   */
  async callEnded(callSid: string, status: string): Promise<void> {
    const { queue, clock } = this.deps;
    const { queuedCallSid, isCallback } = await this.deps.legs.origin(callSid);
    const entry = await queue.getEntry(queuedCallSid);
    if (!entry) return;
    if (entry.callbackRequested && entry.state === 'waiting') return;
    if (isCallback && status !== 'completed' && entry.state === 'claimed') {
      await queue.requeueFront(queuedCallSid);
      this.deps.events.onBridgeFailed({ callSid: queuedCallSid, agentId: entry.agentId ?? '', status });
      return;
    }
    const place = entry.state === 'waiting' ? await queue.position(queuedCallSid) : null;
    const removed = await queue.remove(queuedCallSid, clock.now());
    if (removed?.state === 'waiting') {
      this.deps.events.onAbandoned({ callSid: queuedCallSid, queue: removed.queue, position: place?.position ?? null, waitedMs: removed.waitedMs });
    }
  }

  /**
   * The agent answered (on the agent's leg). Answering empty TwiML completes the bridge; a claim
   * that lapsed meanwhile (the caller was offered to the next agent) refuses the agent's leg.
   */
  async agentAnswered(queuedCallSid: string, agentId: string, waitedMs: number): Promise<string> {
    const { queue, clock } = this.deps;
    try {
      const entry = await queue.getEntry(queuedCallSid);
      if (!entry || !(await queue.confirmBridge(queuedCallSid, agentId))) {
        this.deps.log.warn({ callSid: queuedCallSid, agentId }, 'agent answered a claim that is no longer theirs');
        return this.deps.twiml.hangup();
      }
      await queue.recordWait(entry.queue, waitedMs, clock.now());
      this.deps.events.onConnected({ callSid: queuedCallSid, queue: entry.queue, agentId, waitedMs });
    } catch (error) {
      // The conversation matters more than the bookkeeping: connect them anyway.
      this.deps.log.error({ err: error, callSid: queuedCallSid }, 'could not confirm the bridge; connecting anyway');
    }
    return this.deps.twiml.empty();
  }

  /** `<Dial action>` on the caller's leg: the agent's leg ended or never connected. */
  async dialEnded(legCallSid: string, queuedCallSid: string, agentId: string, status: string): Promise<string> {
    const { queue, twiml } = this.deps;
    const entry = await queue.getEntry(queuedCallSid);
    const language = entry?.language ?? this.deps.defaultLanguage;
    if (status === 'completed') {
      // Escalated (or the claim lapsed): the caller waits again instead of rating a call that goes on.
      if (entry?.state === 'waiting') return twiml.enqueue(language, [], entry.queue);
      return twiml.survey(language, queuedCallSid, 1);
    }
    this.deps.events.onBridgeFailed({ callSid: queuedCallSid, agentId, status });
    if (!entry) return this.lost(language);
    await queue.requeueFront(queuedCallSid);
    if (legCallSid !== queuedCallSid) return twiml.goodbye(language, [{ key: 'agent.callbackMissed' }]);
    return twiml.enqueue(language, [{ key: 'queue.requeued' }], entry.queue);
  }

  /** The survey's answer; no valid key gets one more try, then thanks and goodbye. */
  async survey(queuedCallSid: string, attempt: number, language: Language, digits: string | undefined): Promise<string> {
    const score = /^[1-5]$/.test(digits ?? '') ? Number(digits) : null;
    if (score !== null) {
      try {
        await this.deps.outcomes.recordSurvey(queuedCallSid, score);
      } catch (error) {
        this.deps.log.error({ err: error, callSid: queuedCallSid }, 'survey answer could not be stored');
      }
      this.deps.events.onSurvey({ callSid: queuedCallSid, score });
      return this.deps.twiml.goodbye(language, [{ key: 'survey.thanks' }]);
    }
    if (attempt < SURVEY_ATTEMPTS) {
      return this.deps.twiml.survey(language, queuedCallSid, attempt + 1, [{ key: digits ? 'hint.wrongKey' : 'hint.noInput' }]);
    }
    this.deps.events.onSurvey({ callSid: queuedCallSid, score: null });
    return this.deps.twiml.goodbye(language, [{ key: 'call.goodbye' }]);
  }

  /** Music and nothing else: the wait URL is asked again when it ends. */
  holdOn(language: Language): string {
    return this.deps.twiml.hold(language, []);
  }

  connectAnyway(): string {
    return this.deps.twiml.empty();
  }

  goodbye(language: Language): string {
    return this.deps.twiml.goodbye(language, [{ key: 'call.goodbye' }]);
  }

  /** When the queue cannot hold the caller: a person on the overflow line, or an apology. */
  lost(language: Language): string {
    const { twiml, overflowNumber } = this.deps;
    if (overflowNumber) return twiml.dial(language, [{ key: 'queue.overflow' }], overflowNumber);
    return twiml.goodbye(language, [{ key: 'error.apology' }, { key: 'call.goodbye' }]);
  }
}


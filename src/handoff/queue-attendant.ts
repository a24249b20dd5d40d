import type { Logger } from 'pino';
import { answer, type Answer, type Speech } from '../twilio/answer';
import type { Clock } from '../clock';
import type { Language } from '../config';
import type { HumanQueue } from '../queue/human-queue';
import type { CallLegs } from './call-legs';
import type { CallOutcomes } from './call-outcomes';
import type { HandoffEvents } from './handoff-events';

export interface QueueAttendantDeps {
  queue: HumanQueue;
  legs: CallLegs;
  outcomes: CallOutcomes;
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
 * or failing, the survey, and the end of the call. Each answers an Answer for the renderer. Every caller's place lives in our Redis queue,
 * so any instance can answer any of these.
 */
export class QueueAttendant {
  constructor(private readonly deps: QueueAttendantDeps) {}

  /** `<Enqueue waitUrl>`: this caller's position in OUR queue (not Twilio's) and the estimated wait. */
  async wait(callSid: string): Promise<Answer> {
    const { queue } = this.deps;
    const { queuedCallSid } = await this.deps.legs.origin(callSid);
    const entry = await queue.getEntry(queuedCallSid);
    // Our queue has forgotten the caller: leave Twilio's room too; its action decides what next.
    if (!entry) return answer(this.deps.defaultLanguage, [], { kind: 'leave' });
    const place = await queue.position(queuedCallSid);
    if (!place) return hold(entry.language, [{ key: 'queue.connectingSoon' }]);
    const estimate = await queue.estimatedWaitMs(place.queue, place.position);
    const announcement: Speech =
      estimate === null
        ? { key: 'queue.positionNoEstimate', vars: { position: place.position } }
        : { key: 'queue.position', vars: { position: place.position, minutes: Math.max(1, Math.ceil(estimate / MINUTE_MS)) } };
    return answer(entry.language, [announcement], { kind: 'wait' });
  }

  /** A key pressed during the announcement: 1 asks for a callback, keeping the caller's place. */
  async waitKey(callSid: string, digits: string): Promise<Answer> {
    const { queuedCallSid } = await this.deps.legs.origin(callSid);
    const entry = await this.deps.queue.getEntry(queuedCallSid);
    const language = entry?.language ?? this.deps.defaultLanguage;
    if (digits !== '1' || !entry) return hold(language, []);
    const recorded = await this.deps.queue.requestCallback(queuedCallSid);
    this.deps.log.info({ callSid: queuedCallSid, recorded }, 'waiting caller asked for a callback');
    return hold(language, [{ key: recorded ? 'queue.callbackRecorded' : 'queue.callbackFailed' }]);
  }

  /** `<Enqueue action>`: the caller left Twilio's waiting room. */
  async left(callSid: string, result: string): Promise<Answer> {
    const done = answer(this.deps.defaultLanguage, [], { kind: 'done' });
    // Bridged or moved out by our own call update: the call goes on elsewhere.
    if (result === 'bridged' || result === 'redirected') return done;
    if (result === 'hangup') {
      await this.callEnded(callSid, 'completed');
      return done;
    }
    // error, system-shutdown, queue-full, leave: back into the room, or on to a person.
    const { queuedCallSid } = await this.deps.legs.origin(callSid);
    const entry = await this.deps.queue.getEntry(queuedCallSid);
    this.deps.log.warn({ callSid, result, known: Boolean(entry) }, 'caller left the waiting room unexpectedly');
    if (entry) return answer(entry.language, [{ key: 'queue.rejoin' }], { kind: 'enqueue', queue: entry.queue });
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
  async agentAnswered(queuedCallSid: string, agentId: string, waitedMs: number): Promise<Answer> {
    const { queue, clock } = this.deps;
    try {
      const entry = await queue.getEntry(queuedCallSid);
      if (!entry || !(await queue.confirmBridge(queuedCallSid, agentId))) {
        this.deps.log.warn({ callSid: queuedCallSid, agentId }, 'agent answered a claim that is no longer theirs');
        return answer(this.deps.defaultLanguage, [], { kind: 'hangup' });
      }
      await queue.recordWait(entry.queue, waitedMs, clock.now());
      this.deps.events.onConnected({ callSid: queuedCallSid, queue: entry.queue, agentId, waitedMs });
    } catch (error) {
      // The conversation matters more than the bookkeeping: connect them anyway.
      this.deps.log.error({ err: error, callSid: queuedCallSid }, 'could not confirm the bridge; connecting anyway');
    }
    return this.connectAnyway();
  }

  /** `<Dial action>` on the caller's leg: the agent's leg ended or never connected. */
  async dialEnded(legCallSid: string, queuedCallSid: string, agentId: string, status: string): Promise<Answer> {
    const { queue } = this.deps;
    const entry = await queue.getEntry(queuedCallSid);
    const language = entry?.language ?? this.deps.defaultLanguage;
    if (status === 'completed') {
      // Escalated (or the claim lapsed): the caller waits again instead of rating a call that goes on.
      if (entry?.state === 'waiting') return answer(language, [], { kind: 'enqueue', queue: entry.queue });
      return answer(language, [], { kind: 'survey', callSid: queuedCallSid, attempt: 1 });
    }
    this.deps.events.onBridgeFailed({ callSid: queuedCallSid, agentId, status });
    if (!entry) return this.lost(language);
    await queue.requeueFront(queuedCallSid);
    if (legCallSid !== queuedCallSid) return answer(language, [{ key: 'agent.callbackMissed' }], { kind: 'hangup' });
    return answer(language, [{ key: 'queue.requeued' }], { kind: 'enqueue', queue: entry.queue });
  }

  /** The survey's answer; no valid key gets one more try, then thanks and goodbye. */
  async survey(queuedCallSid: string, attempt: number, language: Language, digits: string | undefined): Promise<Answer> {
    const score = /^[1-5]$/.test(digits ?? '') ? Number(digits) : null;
    if (score !== null) {
      try {
        await this.deps.outcomes.recordSurvey(queuedCallSid, score);
      } catch (error) {
        this.deps.log.error({ err: error, callSid: queuedCallSid }, 'survey answer could not be stored');
      }
      this.deps.events.onSurvey({ callSid: queuedCallSid, score });
      return answer(language, [{ key: 'survey.thanks' }], { kind: 'hangup' });
    }
    if (attempt < SURVEY_ATTEMPTS) {
      return answer(language, [{ key: digits ? 'hint.wrongKey' : 'hint.noInput' }], { kind: 'survey', callSid: queuedCallSid, attempt: attempt + 1 });
    }
    this.deps.events.onSurvey({ callSid: queuedCallSid, score: null });
    return this.goodbye(language);
  }

  /** Music and nothing else: the wait URL is asked again when it ends. */
  holdOn(language: Language): Answer {
    return hold(language, []);
  }

  connectAnyway(): Answer {
    return answer(this.deps.defaultLanguage, [], { kind: 'done' });
  }

  goodbye(language: Language): Answer {
    return answer(language, [{ key: 'call.goodbye' }], { kind: 'hangup' });
  }

  /** When the queue cannot hold the caller: a person on the overflow line, or an apology. */
  lost(language: Language): Answer {
    const { overflowNumber } = this.deps;
    if (overflowNumber) return answer(language, [{ key: 'queue.overflow' }], { kind: 'dial', number: overflowNumber });
    return answer(language, [{ key: 'error.apology' }, { key: 'call.goodbye' }], { kind: 'hangup' });
  }
}

function hold(language: Language, speech: Speech[]): Answer {
  return answer(language, speech, { kind: 'hold' });
}


import type { Logger } from 'pino';
import type { Language } from '../../../flows/vocabulary';
import type { AgentAvailability } from '../../agents/agent-availability';
import type { Scheduler } from '../../scheduler';
import { answer, type Answer } from '../../twilio/answer';
import type { CallbackFailures } from '../callbacks/callback-failures';
import type { HandoffEvents } from '../handoff-events';
import type { HandoffRecord } from '../record/handoff-record';
import type { HandoffRecords } from '../record/handoff-records';
import type { WaitingRoom } from '../waiting-room/waiting-room';

export interface AgentLegWebhooksDeps {
  records: HandoffRecords;
  waitingRoom: WaitingRoom;
  availability: AgentAvailability;
  callbackFailures: CallbackFailures;
  events: HandoffEvents;
  defaultLanguage: Language;
  log: Logger;
  /** Runs the background retries of an answer that hit a store blip. */
  scheduler: Scheduler;
}

/** The caller's own call is over: a Dial action then says nothing about the agent. */
const CALLER_GONE = new Set(['completed', 'canceled', 'busy', 'failed', 'no-answer']);

/** The survey started on the caller's own leg after this agent's conversation, and not answered yet. */
function surveyOwed(record: HandoffRecord, legSid: string, agentId: string): boolean {
  return legSid === record.callSid && record.surveyStarted && record.survey === undefined && record.callerOnLine && record.agents.includes(agentId);
}

/** How far apart an answer that hit a store blip is recorded again in the background (for as long as a lease runs). */
const RECONCILE_DELAY_MS = 1000;

/**
 * The caller-side webhooks of the agent leg: the agent answering (on the agent's leg) and the
 * caller's `<Dial action>` when the agent's leg ends or never connected. Each carries the claim's
 * token, so a late webhook of an earlier claim changes nothing.
 */
export class AgentLegWebhooks {
  constructor(private readonly deps: AgentLegWebhooksDeps) {}

  /**
   * The agent answered. Answering empty TwiML completes the bridge; a claim that is no longer this
   * one (lapsed, the caller hung up) refuses the agent's leg. Once answered the call is connected
   * and never offered again: a store blip while recording it is retried in the background, and
   * the caller is connected anyway.
   */
  async agentAnswered(callSid: string, agentId: string, token: string, waitedMs: number): Promise<Answer> {
    const { records, log } = this.deps;
    const connect = answer(this.deps.defaultLanguage, [], { kind: 'done' });
    try {
      const result = await records.answered(callSid, token);
      if (result.kind === 'done') {
        await this.deps.waitingRoom.answered(result.record, waitedMs);
        this.deps.events.onConnected({ callSid, queue: result.record.queue, agentId, waitedMs });
        return connect;
      }
      const record = await records.get(callSid);
      // Twilio asked twice: the first answer already connected this claim.
      if (record?.state === 'connected' && record.token === token) return connect;
      log.warn({ callSid, agentId, refused: result.refused }, 'agent answered a claim that is no longer theirs');
      return answer(this.deps.defaultLanguage, [], { kind: 'hangup' });
    } catch (error) {
      log.error({ err: error, callSid, agentId }, 'could not record the answer; connecting anyway and recording it in the background');
      this.reconcile(callSid, agentId, token, this.reconcileAttempts());
      return connect;
    }
  }

  /**
   * `<Dial action>` on the caller's leg (or a callback's leg): the agent's leg ended. The caller
   * hung up meanwhile: the record learns it (no agent is blamed). Completed: the conversation is
   * over — the caller hears the survey, or waits again after an escalation. Not answered, busy,
   * failed: a transient bridge failure of this claim (the agent's phone rang out and the agent is
   * marked away). A Dial action of an earlier claim changes nothing.
   */
  async dialEnded(
    leg: { legSid: string; callSid: string; agentId: string; token: string },
    status: { dial: string; caller: string },
    lost: (language: Language) => Answer,
  ): Promise<Answer> {
    const { records } = this.deps;
    const { legSid, callSid, agentId, token } = leg;
    let record = await records.get(callSid);
    const language = record?.language ?? this.deps.defaultLanguage;
    if (!record) return lost(language);
    const done = answer(language, [], { kind: 'done' });
    // Twilio says the agent answered this claim and they talked: an answer the store missed (its
    // background retries not through yet) is recorded now, so the conversation ends as one.
    if (status.dial === 'completed' && record.token === token && (record.state === 'offered' || record.state === 'callback-dialling')) {
      const answered = await records.answered(callSid, token);
      if (answered.kind === 'done') record = answered.record;
    }
    if (CALLER_GONE.has(status.caller)) {
      if (legSid === callSid) await this.deps.waitingRoom.hungUp(callSid);
      return done;
    }
    if (status.dial === 'completed') {
      if (record.state === 'waiting') return answer(language, [], { kind: 'enqueue', queue: record.queue });
      if (record.token !== undefined && record.token !== token) return done;
      if (record.state === 'connected') {
        const ended = await records.agentHungUp(callSid, agentId);
        if (ended.kind === 'done') {
          await this.deps.waitingRoom.conversationEnded(ended.before, ended.record);
          record = ended.record;
        }
      }
      const survey = answer(language, [], { kind: 'survey', callSid, attempt: 1 });
      if (!record.surveyStarted) {
        const surveyed = await records.surveyStarted(callSid);
        if (surveyed.kind === 'done') return survey;
        // Refused: another delivery of this Dial action may have started it meanwhile.
        record = (await records.get(callSid)) ?? record;
      }
      // Twilio asked again because our first answer never reached it: a caller still owed the survey hears it again, not a hang-up.
      return surveyOwed(record, legSid, agentId) ? survey : done;
    }
    if (record.token !== token) return legSid === callSid && record.state === 'waiting' ? answer(language, [], { kind: 'enqueue', queue: record.queue }) : done;
    this.deps.events.onBridgeFailed({ callSid, agentId, status: status.dial });
    if (status.dial === 'no-answer') {
      await this.deps.availability.set(agentId, false);
      this.deps.log.warn({ callSid, agentId }, 'agent did not answer; marked away');
    }
    const failed = await records.bridgeFailed(callSid, token, false);
    await this.deps.callbackFailures.afterStep(failed);
    const after = failed.kind === 'done' ? failed.record : await records.get(callSid);
    // A callback's own leg: the caller is told we will try again (or, after the last try, by SMS).
    if (legSid !== callSid) return answer(language, [{ key: 'agent.callbackMissed' }], { kind: 'hangup' });
    if (after?.state === 'waiting') return answer(language, [{ key: 'queue.requeued' }], { kind: 'enqueue', queue: after.queue });
    return lost(language);
  }

  /**
   * Enough tries, RECONCILE_DELAY_MS apart, to cover the longest lease: the agent answered within
   * the ring, the lease is longer, and only a lapsed lease (swept once the store is back) puts the
   * caller back in line, so an outage shorter than the lease never hands a live conversation on.
   */
  private reconcileAttempts(): number {
    const { leaseMs, callbackLeaseMs } = this.deps.records.rules;
    return Math.ceil(Math.max(leaseMs, callbackLeaseMs) / RECONCILE_DELAY_MS);
  }

  /**
   * Records an answer that hit a store blip, RECONCILE_DELAY_MS apart. A refusal is fine only if
   * the answer was in fact recorded (the blip lost the reply, not the write, or the Dial action
   * recorded it); otherwise the claim moved on and the conversation is not in the records: said
   * loudly.
   */
  private reconcile(callSid: string, agentId: string, token: string, attemptsLeft: number): void {
    const { records, log, scheduler } = this.deps;
    scheduler.after(RECONCILE_DELAY_MS, async () => {
      try {
        const result = await records.answered(callSid, token);
        const record = result.kind === 'done' ? result.record : await records.get(callSid);
        // Connected to this agent, whatever happened since (ended, wrapped up): the answer is in the records.
        if (record?.connectedAt !== undefined && record.agentId === agentId) {
          log.info({ callSid }, 'answer recorded after a store blip');
          return;
        }
        log.error({ callSid, agentId, state: record?.state ?? 'gone', endReason: record?.endReason }, 'an answered call could not be recorded as connected: its claim moved on meanwhile');
      } catch (error) {
        if (attemptsLeft > 1) return this.reconcile(callSid, agentId, token, attemptsLeft - 1);
        log.error({ err: error, callSid }, `an answered call could not be recorded as connected after ${this.reconcileAttempts()} attempts`);
      }
    });
  }
}

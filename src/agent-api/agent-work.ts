import type { FastifyBaseLogger as Logger } from 'fastify';
import { claimOrder, type Agent } from '../agents/agent-directory';
import type { AgentAvailability } from '../agents/agent-availability';
import type { CallsToday } from '../calls/calls-today';
import type { Clock } from '../clock';
import type { Claim, CallBridge } from '../handoff/agent-leg/call-bridge';
import type { CallbackFailures } from '../handoff/callbacks/callback-failures';
import type { CallerSummary, SummaryOutcome } from '../handoff/caller-summary';
import type { LastCalls } from '../handoff/agent-leg/last-calls';
import type { HandoffRecord } from '../handoff/record/handoff-record';
import type { HandoffRecords, StepResult } from '../handoff/record/handoff-records';
import { classifyTwilioError } from '../twilio/twilio-errors';

export type ClaimResult =
  | { kind: 'claimed'; claim: Claim; earlierCallsToday: number }
  | { kind: 'nobody-waiting' }
  | { kind: 'unavailable' }
  /** The agent holds a caller (one at a time, decided inside the claim step). */
  | { kind: 'busy'; callSid: string | null }
  /** Twilio refused the bridge; `terminal`: the record is closed, otherwise the caller is back in line. */
  | { kind: 'bridge-failed'; terminal: boolean };

/** What an agent posts to wrap a call up; an empty summary texts nothing. */
export interface WrapUpBody {
  note: string;
  resolved: boolean;
  summary?: string | undefined;
}

/**
 * `not-found`: no record; `not-yours`: another agent's call; `conflict`: the call is not in a
 * state for this (already wrapped up, escalated, still ringing); `bridge-failed`: the step stands
 * but Twilio refused to move the call.
 */
export type CallActionResult<T> =
  | { kind: 'done'; value: T }
  | { kind: 'not-found' }
  | { kind: 'not-yours' }
  | { kind: 'conflict'; state: string }
  | { kind: 'bridge-failed' };

export interface AgentWorkDeps {
  records: HandoffRecords;
  availability: AgentAvailability;
  bridge: CallBridge;
  callbackFailures: CallbackFailures;
  callsToday: CallsToday;
  clock: Clock;
  /** Texts the agent's wrap-up summary to the caller. */
  summary: Pick<CallerSummary, 'send'>;
  /** Each agent's last call, for the supervisors' overview (a call still to wrap up). */
  lastCalls: Pick<LastCalls, 'remember'>;
  /** A conversation that a wrap-up ended (its length feeds the estimated wait). */
  onConversationEnded?: (before: HandoffRecord, after: HandoffRecord) => Promise<void>;
  /** Told of every caller an agent took (metrics). */
  onClaimed?: (record: HandoffRecord) => void;
}

/**
 * What an agent does with callers, apart from HTTP: the routes map these results to status codes.
 * The hand-off record decides atomically who gets which caller; the bridge then moves the call.
 */
export class AgentWork {
  constructor(private readonly deps: AgentWorkDeps) {}

  async claimNext(agent: Agent, log: Logger): Promise<ClaimResult> {
    const { records, bridge } = this.deps;
    // An agent marked away must not be handed a caller by a stray click; the console says so.
    if (!(await this.deps.availability.isAvailable(agent.id))) return { kind: 'unavailable' };
    const result = await records.claim(agent.id, claimOrder(agent));
    if (result.kind !== 'claimed') return result;
    const claim: Claim = { record: result.record, token: result.token, waitedMs: result.waitedMs };
    const { callSid } = result.record;
    // Only the supervisors' view of this agent depends on it: a failure never fails the claim.
    await this.deps.lastCalls.remember(agent.id, callSid).catch((error: unknown) => log.warn({ err: error, callSid, agentId: agent.id }, 'could not note the agent’s last call'));
    try {
      await bridge.connect(claim, agent);
    } catch (error) {
      // SPEC §4.1: a refusal for good closes the record; anything else puts the caller back in line.
      const { terminal, code } = classifyTwilioError(error);
      const failed = await records.bridgeFailed(callSid, result.token, terminal);
      await this.deps.callbackFailures.afterStep(failed);
      log.error({ err: error, callSid, agentId: agent.id, twilioCode: code, terminal }, 'bridge to agent failed');
      return { kind: 'bridge-failed', terminal };
    }
    // The set holds this call too (counted when it came in); strangers have no earlier calls.
    const count = result.record.dialable ? await this.deps.callsToday.count(result.record.from, this.deps.clock.now()) : 1;
    log.info({ callSid, agentId: agent.id, queue: result.record.queue }, 'agent took a caller');
    this.deps.onClaimed?.(result.record);
    return { kind: 'claimed', claim, earlierCallsToday: Math.max(0, count - 1) };
  }

  async escalate(agent: Agent, callSid: string, note: string, log: Logger): Promise<CallActionResult<HandoffRecord>> {
    const step = answerOf(await this.deps.records.escalate(callSid, agent.id, note));
    if (step.kind !== 'done') return step;
    try {
      await this.deps.bridge.moveToQueue(callSid, 'tier2', step.value.language);
    } catch (error) {
      log.error({ err: error, callSid, agentId: agent.id }, 'escalated in the queue but Twilio refused to move the call');
      return { kind: 'bridge-failed' };
    }
    log.info({ callSid, agentId: agent.id }, 'caller escalated to tier2');
    return step;
  }

  /**
   * Stored whatever happens next (SPEC §4.1: a wrap-up is never lost); the survey starts only if
   * the caller is still on the line and not in it already. A summary is texted to the caller once:
   * only the wrap-up that was stored sends it.
   */
  async wrapUp(agent: Agent, callSid: string, body: WrapUpBody, log: Logger): Promise<CallActionResult<SummaryOutcome | null>> {
    const summary = body.summary?.trim() || undefined;
    const result = await this.deps.records.wrapUp(callSid, { agentId: agent.id, note: body.note, resolved: body.resolved, ...(summary ? { summary } : {}) });
    const step = answerOf(result);
    const repeated = step.kind === 'conflict' && step.state === 'closed' ? await this.storedBefore(callSid, agent, body, summary) : undefined;
    if (repeated) {
      // Sent again because the first answer was lost (a failover): stored then. Its SMS is sent
      // now if that request died before sending it; the SMS limits let one summary through per call.
      log.info({ callSid, agentId: agent.id }, 'the same wrap-up sent again: already stored');
      return { kind: 'done', value: summary ? await this.deps.summary.send(repeated, summary) : null };
    }
    if (step.kind !== 'done' || result.kind !== 'done') return step as CallActionResult<null>;
    log.info({ callSid, agentId: agent.id, resolved: body.resolved }, 'call wrapped up');
    await this.deps.onConversationEnded?.(result.before, result.record);
    if (result.record.surveyStarted && !result.before.surveyStarted) {
      try {
        await this.deps.bridge.finish(callSid, result.record.language);
      } catch (error) {
        log.error({ err: error, callSid, agentId: agent.id }, 'wrap-up stored but Twilio refused to move the caller to the survey');
      }
    }
    // After the survey's move: the caller hears the survey on time, the SMS follows. The agent is
    // told what became of it: a summary the SMS limits refused must not look sent.
    const texted = summary ? await this.deps.summary.send(result.record, summary) : null;
    return { kind: 'done', value: texted };
  }

  /** The closed record when it holds this very wrap-up (same agent, note, resolved, summary). */
  private async storedBefore(callSid: string, agent: Agent, body: WrapUpBody, summary: string | undefined): Promise<HandoffRecord | undefined> {
    const record = await this.deps.records.get(callSid);
    const stored = record?.wrapUp;
    if (!stored || stored.agentId !== agent.id || stored.note !== body.note || stored.resolved !== body.resolved || stored.summary !== summary) return undefined;
    return record;
  }

  /** A record this agent held or holds; a supervisor may read all. */
  async call(agent: Agent, callSid: string): Promise<CallActionResult<HandoffRecord>> {
    const record = await this.deps.records.get(callSid);
    if (!record) return { kind: 'not-found' };
    if (!record.agents.includes(agent.id) && !agent.supervisor) return { kind: 'not-yours' };
    return { kind: 'done', value: record };
  }
}

function answerOf(result: StepResult): CallActionResult<HandoffRecord> {
  if (result.kind === 'done') return { kind: 'done', value: result.record };
  if (result.refused === 'not-found') return { kind: 'not-found' };
  if (result.refused === 'not-yours') return { kind: 'not-yours' };
  return { kind: 'conflict', state: result.state };
}

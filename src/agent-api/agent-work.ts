import type { FastifyBaseLogger as Logger } from 'fastify';
import { claimOrder, type Agent } from '../agents/agent-directory';
import type { AgentAvailability } from '../agents/agent-availability';
import type { CallsToday } from '../calls/calls-today';
import type { Clock } from '../clock';
import type { CallBridge } from '../handoff/call-bridge';
import type { CallOutcomes } from '../handoff/call-outcomes';
import type { ClaimedCall, HumanQueue, QueuedCall } from '../queue/human-queue';
import type { AgentHoldings } from './agent-holdings';

export type ClaimResult =
  | { kind: 'claimed'; claim: ClaimedCall; earlierCallsToday: number }
  | { kind: 'nobody-waiting' }
  | { kind: 'unavailable' }
  /** The agent still holds a caller: wrap up or escalate first. */
  | { kind: 'busy'; callSid: string }
  /** Twilio refused the bridge; the caller is back at the front of their queue. */
  | { kind: 'bridge-failed' };

/** `not-found`: no such call in the queue; `not-yours`: another agent's call, or a waiting one. */
export type CallActionResult<T> = { kind: 'done'; value: T } | { kind: 'not-found' } | { kind: 'not-yours' } | { kind: 'bridge-failed' };

export interface AgentWorkDeps {
  queue: HumanQueue;
  availability: AgentAvailability;
  bridge: CallBridge;
  outcomes: CallOutcomes;
  callsToday: CallsToday;
  holdings: AgentHoldings;
  clock: Clock;
  leaseMs: number;
  /** Told of every caller an agent took (metrics). */
  onClaimed?: (claim: ClaimedCall) => void;
}

/**
 * What an agent does with callers, apart from HTTP: the routes map these results to status codes.
 * The queue decides atomically who gets which caller; the bridge then moves the phone call.
 */
export class AgentWork {
  constructor(private readonly deps: AgentWorkDeps) {}

  async claimNext(agent: Agent, log: Logger): Promise<ClaimResult> {
    const { queue, clock, bridge } = this.deps;
    // An agent marked away must not be handed a caller by a stray click; the console says so.
    if (!(await this.deps.availability.isAvailable(agent.id))) return { kind: 'unavailable' };
    const held = await this.deps.holdings.held(agent.id);
    if (held) return { kind: 'busy', callSid: held };
    const claim = await queue.claim(claimOrder(agent), agent.id, clock.now(), this.deps.leaseMs);
    if (!claim) return { kind: 'nobody-waiting' };
    const callSid = claim.call.callSid;
    await this.deps.holdings.hold(agent.id, callSid);
    try {
      await bridge.connect(claim, agent);
    } catch (error) {
      // SPEC §4: a claim whose bridge fails puts the caller back at the front of the queue.
      await queue.requeueFront(callSid);
      log.error({ err: error, callSid, agentId: agent.id }, 'bridge to agent failed; caller requeued at the front');
      return { kind: 'bridge-failed' };
    }
    // The lease stays until the agent answers: the caller-side webhook then confirms the bridge and
    // records the wait; a dial nobody answers (or a lapsed lease) puts the caller back in front.
    // The set holds this call too (counted when it came in).
    const earlierCallsToday = Math.max(0, (await this.deps.callsToday.count(claim.call.from, clock.now())) - 1);
    log.info({ callSid, agentId: agent.id, queue: claim.call.queue }, 'agent took a caller');
    this.deps.onClaimed?.(claim);
    return { kind: 'claimed', claim, earlierCallsToday };
  }

  async escalate(agent: Agent, callSid: string, note: string, log: Logger): Promise<CallActionResult<QueuedCall>> {
    const held = await this.ownCall(agent, callSid);
    if (held.kind !== 'done') return held;
    // The queue first: if the call update below fails, the caller already holds tier 2's front.
    if (!(await this.deps.queue.escalate(callSid, note, this.deps.clock.now()))) return { kind: 'not-yours' };
    try {
      await this.deps.bridge.moveToQueue(callSid, 'tier2', held.value.language);
    } catch (error) {
      log.error({ err: error, callSid, agentId: agent.id }, 'escalated in the queue but Twilio refused to move the call');
      return { kind: 'bridge-failed' };
    }
    log.info({ callSid, agentId: agent.id }, 'caller escalated to tier2');
    return held;
  }

  async wrapUp(agent: Agent, callSid: string, wrapUp: { note: string; resolved: boolean }, log: Logger): Promise<CallActionResult<null>> {
    const held = await this.ownCall(agent, callSid);
    if (held.kind !== 'done') return held;
    const now = this.deps.clock.now();
    await this.deps.outcomes.recordWrapUp(callSid, { agentId: agent.id, note: wrapUp.note, resolved: wrapUp.resolved, at: now });
    await this.deps.queue.remove(callSid, now);
    try {
      await this.deps.bridge.finish(callSid, held.value.language);
    } catch (error) {
      // The wrap-up is stored and the call is out of the queue; only the survey could not start.
      log.error({ err: error, callSid, agentId: agent.id }, 'wrap-up stored but Twilio refused to move the caller to the survey');
      return { kind: 'bridge-failed' };
    }
    log.info({ callSid, agentId: agent.id, resolved: wrapUp.resolved }, 'call wrapped up');
    return { kind: 'done', value: null };
  }

  /** The call, if this agent holds it (claimed or connected). */
  private async ownCall(agent: Agent, callSid: string): Promise<CallActionResult<QueuedCall>> {
    const call = await this.deps.queue.getEntry(callSid);
    if (!call) return { kind: 'not-found' };
    if ((await this.deps.queue.owner(callSid)) !== agent.id) return { kind: 'not-yours' };
    return { kind: 'done', value: call };
  }
}

import { TIERS, type Tier } from '../../../flows/vocabulary';
import type { AgentAvailability } from '../../agents/agent-availability';
import type { Agent, AgentDirectory } from '../../agents/agent-directory';
import type { LastCalls } from '../../handoff/agent-leg/last-calls';
import type { HandoffRecord } from '../../handoff/record/handoff-record';
import type { HandoffRecords } from '../../handoff/record/handoff-records';
import type { HandoffRules } from '../../handoff/record/handoff-rules';
import { longestWaitSeconds } from '../../handoff/waiting-room/longest-wait';
import { callerOf } from '../agent-views';

/** What a supervisor sees an agent doing (SPEC §5 "Supervisors and call records"). */
export const AGENT_STATES = ['away', 'available', 'offered', 'connected', 'wrap-up'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export interface FloorDeps {
  records: HandoffRecords;
  availability: Pick<AgentAvailability, 'listAvailable'>;
  agents: AgentDirectory;
  lastCalls: Pick<LastCalls, 'last'>;
  /** What the waiting room would tell a caller at `position` of `queue` now (null: no number). */
  estimateWaitMs(queue: Tier, position: number, now: number): Promise<number | null>;
}

export interface QueueNow {
  queue: Tier;
  /** Callers in the queue (a callback request keeps its place, so it counts). */
  waiting: number;
  /** The caller on hold longest, in whole seconds; 0 when nobody is. */
  longestWaitSeconds: number;
  /** What the next caller to join would hear, in seconds; null when the waiting room gives no number. */
  estimatedWaitSeconds: number | null;
}

export interface AgentCall {
  callSid: string;
  queue: Tier;
  /** The hand-off record's state. */
  state: HandoffRecord['state'];
  caller: string;
  /** ISO 8601: since when the agent is in this state with the call (claimed, connected, ended). */
  since: string;
}

export interface AgentNow {
  id: string;
  name: string;
  tiers: Tier[];
  state: AgentState;
  /** The call held, or the ended call still to wrap up. */
  call: AgentCall | null;
}

export interface Floor {
  queues: QueueNow[];
  agents: AgentNow[];
}

/**
 * An agent's state from their availability and the record of the call they hold or last held:
 * ringing (or a callback dialling) is `offered`; a conversation that ended and is not wrapped up
 * within the window is `wrap-up`; otherwise their availability says.
 */
function agentState(agentId: string, available: boolean, call: HandoffRecord | null, now: number, wrapUpWindowMs: number): { state: AgentState; call: HandoffRecord | null } {
  if (call && call.agentId === agentId) {
    if (call.state === 'offered' || call.state === 'callback-dialling') return { state: 'offered', call };
    if (call.state === 'connected') return { state: 'connected', call };
    if (call.state === 'ended' && call.endedAt !== undefined && now - call.endedAt <= wrapUpWindowMs) return { state: 'wrap-up', call };
  }
  return { state: available ? 'available' : 'away', call: null };
}

/** Since when the call is in its state: claimed (the lease's start), connected, or ended. */
function since(record: HandoffRecord, rules: HandoffRules): number {
  if (record.state === 'ended') return record.endedAt ?? record.waitingSince;
  if (record.state === 'connected') return record.connectedAt ?? record.waitingSince;
  const lease = record.state === 'callback-dialling' ? rules.callbackLeaseMs : rules.leaseMs;
  return record.leaseUntil !== undefined ? record.leaseUntil - lease : record.waitingSince;
}

function agentCall(record: HandoffRecord, rules: HandoffRules): AgentCall {
  return { callSid: record.callSid, queue: record.queue, state: record.state, caller: callerOf(record), since: new Date(since(record, rules)).toISOString() };
}

/**
 * The floor now, read from the shared store (the same on every instance): each queue's callers,
 * longest wait and the wait a new caller would be told; each agent who serves a queue, with their
 * state and call. Supervisors without tiers take no callers and are not listed.
 */
export async function readFloor(deps: FloorDeps, now: number): Promise<Floor> {
  const staff = deps.agents.list().filter((agent) => agent.tiers.length > 0);
  const [queues, available, agents] = await Promise.all([
    Promise.all(TIERS.map((queue) => queueNow(deps, queue, now))),
    deps.availability.listAvailable().then((ids) => new Set(ids)),
    Promise.all(staff.map((agent) => callOf(deps, agent))),
  ]);
  return {
    queues,
    agents: staff.map((agent, index) => {
      const { state, call } = agentState(agent.id, available.has(agent.id), agents[index]!, now, deps.records.rules.wrapUpWindowMs);
      return { id: agent.id, name: agent.name, tiers: agent.tiers, state, call: call && agentCall(call, deps.records.rules) };
    }),
  };
}

async function queueNow(deps: FloorDeps, queue: Tier, now: number): Promise<QueueNow> {
  const [waiting, longest] = await Promise.all([deps.records.depth(queue), longestWaitSeconds(deps.records, queue, now)]);
  const estimateMs = await deps.estimateWaitMs(queue, waiting + 1, now);
  return { queue, waiting, longestWaitSeconds: Math.floor(longest), estimatedWaitSeconds: estimateMs === null ? null : Math.ceil(estimateMs / 1000) };
}

/** The record of the call the agent holds, or else of the one they took last. */
async function callOf(deps: FloorDeps, agent: Agent): Promise<HandoffRecord | null> {
  const callSid = (await deps.records.heldBy(agent.id)) ?? (await deps.lastCalls.last(agent.id));
  return callSid ? deps.records.get(callSid) : null;
}

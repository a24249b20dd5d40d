import { TIERS, type Tier } from '../../../flows/vocabulary';
import type { AgentAvailability } from '../../agents/agent-availability';
import { claimOrder, type Agent } from '../../agents/agent-directory';
import type { HandoffRecord } from '../record/handoff-record';
import type { HandoffRecords } from '../record/handoff-records';
import type { AgentNow } from './wait-estimator';

/**
 * What each queue looks like now, as the estimate needs it (issue 12): the agents serving it, each
 * free or busy for so long, and who waits in it — on the line, or a callback request.
 */
export interface QueueNow {
  agents: AgentNow[];
  /** From place 1, the first ones: true for a caller on the line, false for a callback request. */
  onLine: boolean[];
}

/** An agent of the directory, as far as the waiting room needs: who, and which queues. */
export type ServingAgent = Pick<Agent, 'id' | 'tiers'>;

/** What the agents are doing now, as the stores tell it. */
export interface DutyNow {
  available: ReadonlySet<string>;
  /** Talked so far (0 while ringing) by each agent holding a call. */
  busyForMs: ReadonlyMap<string, number>;
  /** Callers waiting in each queue. */
  waiting: Partial<Record<Tier, number>>;
}

/**
 * Agents serving `queue` now: those who serve it, are available (an agent who went away finishes
 * their call and takes no more), and take no callers of a queue they prefer first (claimOrder:
 * the highest tier) while someone waits there. Each is free, or busy for so long.
 */
export function agentsServing(queue: Tier, agents: readonly ServingAgent[], duty: DutyNow): AgentNow[] {
  return agents
    .filter((agent) => agent.tiers.includes(queue) && duty.available.has(agent.id))
    .filter((agent) => {
      const order = claimOrder(agent);
      return order.slice(0, order.indexOf(queue)).every((preferred) => (duty.waiting[preferred] ?? 0) === 0);
    })
    .map((agent) => ({ busyForMs: duty.busyForMs.get(agent.id) ?? null }));
}

/** How long an agent has talked on a held call (0 until it is answered, or when its record is gone). */
export function talkedSoFar(record: HandoffRecord | null, now: number): number {
  return record?.state === 'connected' && record.connectedAt !== undefined ? Math.max(0, now - record.connectedAt) : 0;
}

type QueueReads = Pick<HandoffRecords, 'heldBy' | 'get' | 'list'>;

/**
 * Every queue now, in two round trips: who is available, which call each agent holds and the
 * first `places` callers of each queue together; then the held calls' records.
 */
export async function readQueuesNow(
  agents: readonly ServingAgent[],
  availability: Pick<AgentAvailability, 'listAvailable'>,
  records: QueueReads,
  now: number,
  places: number,
): Promise<Record<Tier, QueueNow>> {
  const [available, held, waiting] = await Promise.all([
    availability.listAvailable(),
    Promise.all(agents.map((agent) => records.heldBy(agent.id))),
    Promise.all(TIERS.map((tier) => records.list(tier, places))),
  ]);
  const heldRecords = await Promise.all(held.map((callSid) => (callSid === null ? null : records.get(callSid))));
  const busyForMs = new Map<string, number>();
  agents.forEach((agent, i) => {
    if (held[i] !== null) busyForMs.set(agent.id, talkedSoFar(heldRecords[i] ?? null, now));
  });
  const duty: DutyNow = { available: new Set(available), busyForMs, waiting: Object.fromEntries(TIERS.map((tier, i) => [tier, waiting[i]!.length])) };
  return Object.fromEntries(
    TIERS.map((tier, i) => [tier, { agents: agentsServing(tier, agents, duty), onLine: waiting[i]!.map((record) => record.state === 'waiting') }]),
  ) as Record<Tier, QueueNow>;
}

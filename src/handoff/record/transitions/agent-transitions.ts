import type { Claimant, ClaimTerms } from '../handoff-plan';
import type { HandoffRecord, StoredRecord, WrapUp } from '../handoff-record';
import type { HandoffRules } from '../handoff-rules';
import { ALL_INDEXES, change, frontScore, type Refusal, type Step, without, wrongState } from './transition';

/**
 * The agent leg's steps: a claim (one caller per agent, taken from the head of the queue), the
 * agent answering, the bridge failing, a lapsed lease, the agent hanging up, an escalation and
 * the wrap-up. An agent's step carries the claim's token or the agent's id: a stale one is refused.
 */

const notYours: Refusal = { refused: 'not-yours' };

/**
 * The rules of a claim as data (SPEC §4.1): a waiting caller is offered to the agent under a
 * lease longer than the agent's ring; a callback request is dialled instead, under the callback's
 * lease, and counts one more dial. A callback waiting for its retry is not claimable.
 */
export function claimTerms(now: number, rules: HandoffRules): ClaimTerms {
  return {
    agentTtlMs: rules.recordTtlMs,
    from: {
      waiting: { state: 'offered', leaseUntil: now + rules.leaseMs, callbackDials: 0 },
      'callback-waiting': { state: 'callback-dialling', leaseUntil: now + rules.callbackLeaseMs, callbackDials: 1, unless: 'retryAt' },
    },
  };
}

/**
 * The caller at the head of the agent's first non-empty queue goes to the claimant on `terms`. The
 * one definition of what a claim writes: the embedded store runs this function, and
 * lua/claim-5+n.lua follows it line by line (the contract suite proves both write the same record).
 */
export function claim(stored: StoredRecord, terms: ClaimTerms, claimant: Claimant, stepId: string): Step {
  const { record } = stored;
  const to = terms.from[record.state];
  if (!to || (to.unless !== undefined && record[to.unless] !== undefined)) return wrongState(record);
  const next: HandoffRecord = {
    ...record,
    state: to.state,
    agentId: claimant.agentId,
    agents: record.agents.includes(claimant.agentId) ? record.agents : [...record.agents, claimant.agentId],
    token: claimant.token,
    leaseUntil: to.leaseUntil,
    callbackDials: record.callbackDials + to.callbackDials,
  };
  return change(stored, stepId, next, { add: [{ index: 'leases', score: to.leaseUntil }], remove: [record.queue, 'heartbeats', 'retries'] }, {
    agentId: claimant.agentId,
    op: 'claim',
    ttlMs: terms.agentTtlMs,
  });
}

/** The agent answered the leg of this claim: connected, and never offered to anyone else. */
export function answered(stored: StoredRecord, token: string, now: number, stepId: string): Step {
  const { record } = stored;
  if (record.token !== token) return notYours;
  if (record.state !== 'offered' && record.state !== 'callback-dialling') return wrongState(record);
  const connected: HandoffRecord = { ...without(record, 'leaseUntil'), state: 'connected', connectedAt: now };
  return change(stored, stepId, connected, { remove: ['leases', 'retries', 'expiries'] });
}

/**
 * The bridge of this claim failed: the ring timed out, the agent did not answer, Twilio refused.
 * A terminal refusal closes the record at once; a transient one puts the caller back at the very
 * front at most BRIDGE_RETRIES times, then at their own place. A callback that failed is retried
 * CALLBACK_RETRY later, until CALLBACK_ATTEMPTS dials were made.
 */
export function bridgeFailed(stored: StoredRecord, token: string, terminal: boolean, now: number, rules: HandoffRules, stepId: string): Step {
  const { record } = stored;
  if (record.token !== token) return notYours;
  if (record.state !== 'offered' && record.state !== 'callback-dialling') return wrongState(record);
  const release = { agentId: record.agentId!, op: 'release' as const };
  const free = without(record, 'token', 'leaseUntil');
  if (record.state === 'callback-dialling') {
    if (terminal || record.callbackDials >= rules.callbackAttempts) {
      const closed: HandoffRecord = { ...free, state: 'closed', closedAt: now, endReason: 'callback-failed', callerOnLine: false };
      return change(stored, stepId, closed, { remove: ALL_INDEXES }, release);
    }
    const retryAt = now + rules.callbackRetryMs;
    const retry: HandoffRecord = { ...free, state: 'callback-waiting', retryAt };
    return change(stored, stepId, retry, { add: [{ index: 'retries', score: retryAt }], remove: ['leases'] }, release);
  }
  if (terminal) {
    const closed: HandoffRecord = { ...free, state: 'closed', closedAt: now, endReason: 'bridge-refused', callerOnLine: false };
    return change(stored, stepId, closed, { remove: ALL_INDEXES }, release);
  }
  const bridgeFailures = record.bridgeFailures + 1;
  const score = bridgeFailures <= rules.bridgeRetries ? frontScore(now) : record.score;
  const waiting: HandoffRecord = { ...free, state: 'waiting', bridgeFailures, seenAt: now };
  return change(
    stored,
    stepId,
    waiting,
    { add: [{ index: record.queue, score }, { index: 'heartbeats', score: now }], remove: ['leases'] },
    release,
  );
}

/** A lease that ran out before the agent answered counts as a transient bridge failure. */
export function leaseLapsed(stored: StoredRecord, now: number, rules: HandoffRules, stepId: string): Step {
  const { record } = stored;
  if (record.leaseUntil === undefined || record.leaseUntil > now || record.token === undefined) return wrongState(record);
  return bridgeFailed(stored, record.token, false, now, rules, stepId);
}

/** The agent's leg ended while connected: the caller is still on the line (survey next). */
export function agentHungUp(stored: StoredRecord, agentId: string, now: number, stepId: string): Step {
  const { record } = stored;
  if (record.agentId !== agentId) return notYours;
  if (record.state !== 'connected') return wrongState(record);
  const ended: HandoffRecord = { ...without(record, 'token'), state: 'ended', endedAt: now, endReason: 'agent-hung-up', callerOnLine: true };
  return change(stored, stepId, ended, {}, { agentId, op: 'release' });
}

/** The connected caller goes to the front of tier2 with the agent's note; the agent is free. */
export function escalate(stored: StoredRecord, agentId: string, note: string, now: number, stepId: string): Step {
  const { record } = stored;
  if (record.agentId !== agentId) return notYours;
  if (record.state !== 'connected') return wrongState(record);
  const waiting: HandoffRecord = {
    ...without(record, 'token', 'agentId', 'connectedAt'),
    state: 'waiting',
    queue: 'tier2',
    note,
    waitingSince: now,
    seenAt: now,
  };
  return change(
    stored,
    stepId,
    waiting,
    { add: [{ index: 'tier2', score: frontScore(now) }, { index: 'heartbeats', score: now }] },
    { agentId, op: 'release' },
  );
}

/**
 * The agent who held the call wraps it up, while connected or after it ended (within the
 * window). Closed; the survey starts only if the caller is still on the line and not in it yet.
 */
export function wrapUp(stored: StoredRecord, wrap: WrapUp, rules: HandoffRules, stepId: string): Step {
  const { record } = stored;
  if (record.agentId !== wrap.agentId) return record.agents.includes(wrap.agentId) ? wrongState(record) : notYours;
  const connected = record.state === 'connected';
  const ended = record.state === 'ended' && record.endedAt !== undefined && wrap.at - record.endedAt <= rules.wrapUpWindowMs;
  if (!connected && !ended) return wrongState(record);
  const surveyNow = record.callerOnLine && !record.surveyStarted;
  const closed: HandoffRecord = {
    ...without(record, 'token'),
    state: 'closed',
    closedAt: wrap.at,
    endedAt: record.endedAt ?? wrap.at,
    endReason: record.endReason ?? 'served',
    wrapUp: wrap,
    surveyStarted: record.surveyStarted || surveyNow,
  };
  return change(stored, stepId, closed, { remove: ALL_INDEXES }, connected ? { agentId: wrap.agentId, op: 'release' } : undefined);
}

/** The caller's leg went on to the survey by itself (the agent hung up first). */
export function surveyStarted(stored: StoredRecord, stepId: string): Step {
  const { record } = stored;
  if (record.surveyStarted || (record.state !== 'ended' && record.state !== 'closed')) return wrongState(record);
  return change(stored, stepId, { ...record, surveyStarted: true });
}

/** The survey's answer, kept with the record. */
export function surveyAnswered(stored: StoredRecord, score: number, stepId: string): Step {
  const { record } = stored;
  if (record.state !== 'ended' && record.state !== 'closed') return wrongState(record);
  return change(stored, stepId, { ...record, survey: score });
}

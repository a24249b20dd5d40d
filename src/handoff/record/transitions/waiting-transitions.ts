import type { Plan } from '../handoff-plan';
import type { HandoffEntry, HandoffRecord, StoredRecord } from '../handoff-record';
import type { HandoffRules } from '../handoff-rules';
import { waitingScore } from '../queue-order';
import { ALL_INDEXES, change, type Step, without, wrongState } from './transition';

/**
 * The waiting room's steps: joining a queue, being seen waiting (the heartbeat), asking for a
 * callback, hanging up, being reaped as a ghost, and a callback request that came due or expired.
 */

/** A new record, waiting (or, after hours, straight away waiting for a callback). */
export function enqueue(entry: HandoffEntry, now: number, rules: HandoffRules, stepId: string, callbackExpiresAt?: number): Plan {
  const score = waitingScore(entry.priority, entry.enqueuedAt);
  const record: HandoffRecord = {
    ...entry,
    state: callbackExpiresAt === undefined ? 'waiting' : 'callback-waiting',
    score,
    waitingSince: entry.enqueuedAt,
    agents: [],
    bridgeFailures: 0,
    callbackDials: 0,
    callbackAsked: callbackExpiresAt !== undefined,
    seenAt: now,
    callerOnLine: true,
    surveyStarted: false,
    ...(callbackExpiresAt === undefined ? {} : { expiresAt: callbackExpiresAt }),
  };
  const add = callbackExpiresAt === undefined
    ? [{ index: entry.queue, score }, { index: 'heartbeats' as const, score: now }]
    : [{ index: entry.queue, score }, { index: 'expiries' as const, score: callbackExpiresAt }];
  return { callSid: entry.callSid, stepId, expectRev: null, record, ttlMs: rules.recordTtlMs, add, remove: [] };
}

/** The wait URL was requested: the caller is still there. */
export function heartbeat(stored: StoredRecord, now: number, stepId: string): Step {
  const { record } = stored;
  if (record.state !== 'waiting') return wrongState(record);
  return change(stored, stepId, { ...record, seenAt: now }, { add: [{ index: 'heartbeats', score: now }] });
}

/** 1 while waiting: the caller keeps their place and may hang up; only a dialable number can be called back. */
export function requestCallback(stored: StoredRecord, expiresAt: number, stepId: string): Step {
  const { record } = stored;
  if (record.state !== 'waiting' || !record.dialable) return wrongState(record);
  const next: HandoffRecord = { ...record, state: 'callback-waiting', callbackAsked: true, expiresAt };
  return change(stored, stepId, next, { add: [{ index: 'expiries', score: expiresAt }], remove: ['heartbeats'] });
}

/**
 * The caller's call ended (status callback, the waiting room's hang-up, or a reaped ghost). A
 * waiting or offered caller is gone (closed); a connected one ends the conversation (the agent may
 * still wrap up); a callback request is not on the line and stays.
 */
export function callerHungUp(stored: StoredRecord, now: number, stepId: string, reason: 'abandoned' | 'lost-hangup' = 'abandoned'): Step {
  const { record } = stored;
  switch (record.state) {
    case 'waiting':
    case 'offered': {
      const closed: HandoffRecord = { ...without(record, 'token', 'leaseUntil'), state: 'closed', closedAt: now, endReason: reason, callerOnLine: false };
      const release = record.agentId && record.state === 'offered' ? { agentId: record.agentId, op: 'release' as const } : undefined;
      return change(stored, stepId, closed, { remove: ALL_INDEXES }, release);
    }
    case 'connected': {
      const ended: HandoffRecord = { ...without(record, 'token'), state: 'ended', endedAt: now, endReason: 'caller-hung-up', callerOnLine: false };
      return change(stored, stepId, ended, { remove: ALL_INDEXES }, { agentId: record.agentId!, op: 'release' });
    }
    case 'ended':
      return record.callerOnLine ? change(stored, stepId, { ...record, callerOnLine: false }) : wrongState(record);
    default:
      return wrongState(record);
  }
}

/** A waiting caller whose wait URL went quiet: their hang-up was lost. */
export function reapGhost(stored: StoredRecord, now: number, rules: HandoffRules, stepId: string): Step {
  const { record } = stored;
  if (record.state !== 'waiting' || record.seenAt > now - rules.heartbeatMs) return wrongState(record);
  return callerHungUp(stored, now, stepId, 'lost-hangup');
}

/** A callback retry came due: back into the queue at the caller's own place. */
export function callbackDue(stored: StoredRecord, now: number, stepId: string): Step {
  const { record } = stored;
  if (record.state !== 'callback-waiting' || record.retryAt === undefined || record.retryAt > now) return wrongState(record);
  return change(stored, stepId, without(record, 'retryAt'), { add: [{ index: record.queue, score: record.score }], remove: ['retries'] });
}

/** A callback request that outlived the next business day is closed. */
export function callbackExpired(stored: StoredRecord, now: number, stepId: string): Step {
  const { record } = stored;
  if (record.state !== 'callback-waiting' || record.expiresAt === undefined || record.expiresAt > now) return wrongState(record);
  const closed: HandoffRecord = { ...without(record, 'retryAt'), state: 'closed', closedAt: now, endReason: 'callback-expired', callerOnLine: false };
  return change(stored, stepId, closed, { remove: ALL_INDEXES });
}

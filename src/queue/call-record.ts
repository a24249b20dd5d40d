import type { QueuedCall, QueueEntry } from './human-queue';
import { queueEntryDataSchema, tierSchema, type QueueEntryData } from './queue-entry-schema';

/**
 * How one call is laid out in its Redis hash. The fields the scripts change (queue, state, agent,
 * lease, callback, note, since) are separate hash fields; everything else is one JSON field the
 * scripts never parse.
 */
export type CallFields = Record<string, string>;

const STATES = new Set(['waiting', 'claimed', 'connected']);

export function entryData(entry: QueueEntry): string {
  const data: QueueEntryData = {
    callSid: entry.callSid,
    from: entry.from,
    language: entry.language,
    identityLevel: entry.identityLevel,
    walletId: entry.walletId,
    intent: entry.intent,
    subject: entry.subject,
    priority: entry.priority,
    enqueuedAt: entry.enqueuedAt,
  };
  return JSON.stringify(data);
}

/** A Lua reply of HGETALL (flat field/value list) as a record. */
export function fieldsFromFlat(reply: unknown): CallFields | null {
  if (!Array.isArray(reply) || reply.length === 0) return null;
  const fields: CallFields = {};
  for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = String(reply[i + 1]);
  return fields;
}

export function callFromFields(fields: CallFields): QueuedCall {
  const { data, queue, state, since, callback, note, agent, lease } = fields;
  if (data === undefined || state === undefined || !STATES.has(state) || since === undefined) {
    throw new Error(`malformed queue call record: ${JSON.stringify(fields)}`);
  }
  const parsed = queueEntryDataSchema.parse(JSON.parse(data));
  const call: QueuedCall = {
    ...stripUndefined(parsed),
    queue: tierSchema.parse(queue),
    state: state as QueuedCall['state'],
    waitingSince: Number(since),
    callbackRequested: callback === '1',
  };
  if (note !== undefined) call.note = note;
  if (agent !== undefined) call.agentId = agent;
  if (lease !== undefined) call.leaseExpiresAt = Number(lease);
  return call;
}

/** Optional fields absent rather than `undefined`, so both implementations return equal objects. */
export function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

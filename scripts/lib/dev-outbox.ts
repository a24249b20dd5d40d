import type { OutboxEntry } from '../../src/twilio/simulated-twilio-gateway';

export type { OutboxEntry };

/**
 * The outbox: in simulate mode the hotline records the SMS, call updates and outbound calls it
 * would have sent through Twilio's REST API (in-process `SimulatedTwilioGateway.outbox()`, over
 * HTTP `GET /dev/outbox`). Here is how the Twilio double reads it.
 */

/** `GET /dev/outbox` (only what concerns `callSid` when given); undefined when the server has none (it is not in simulate mode). */
export async function fetchDevOutbox(
  get: (url: string) => Promise<{ status: number; body: string }>,
  baseUrl: string,
  callSid?: string,
): Promise<OutboxEntry[] | undefined> {
  const answer = await get(`${baseUrl}/dev/outbox${callSid === undefined ? '' : `?callSid=${callSid}`}`);
  if (answer.status !== 200) return undefined;
  return JSON.parse(answer.body) as OutboxEntry[];
}

/** The SMS the hotline sent during this call. */
export function smsOfCall(entries: readonly OutboxEntry[], callSid: string): Array<Extract<OutboxEntry, { kind: 'sms' }>> {
  return entries.filter((entry): entry is Extract<OutboxEntry, { kind: 'sms' }> => entry.kind === 'sms' && entry.callSid === callSid);
}

/** How the hotline moved a call through the REST API (`calls(sid).update`). */
export type CallMove = { kind: 'ended' } | { kind: 'twiml'; twiml: string } | { kind: 'url'; url: string };

/** What Twilio does with this call on that outbox entry; undefined when it does not move the call. */
export function callMoveOf(entry: OutboxEntry, callSid: string): CallMove | undefined {
  if (entry.kind !== 'call-update' || entry.callSid !== callSid) return undefined;
  if (entry.status === 'completed' || entry.status === 'canceled') return { kind: 'ended' };
  if (entry.twiml) return { kind: 'twiml', twiml: entry.twiml };
  if (entry.url) return { kind: 'url', url: entry.url };
  return undefined;
}

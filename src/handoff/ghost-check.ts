import type { CallLegs } from './call-legs';

const ON_THE_LINE = new Set(['queued', 'ringing', 'in-progress']);

/**
 * SPEC §4.1, live mode: a quiet waiting caller is closed only once Twilio says the call they are
 * on now is over. That is the newest callback leg once one was dialled (a leg escalated back into a
 * queue waits under the inbound call's CallSid, which has long ended), else the inbound call.
 */
export function twilioGhostCheck(callStatus: (callSid: string) => Promise<string>, legs: Pick<CallLegs, 'live'>) {
  return async (queuedCallSid: string): Promise<boolean> => ON_THE_LINE.has(await callStatus(await legs.live(queuedCallSid)));
}

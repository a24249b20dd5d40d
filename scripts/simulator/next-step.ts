/** What the call does after a TwiML document: Twilio requests another URL, or the call is over. */
export type Next = { kind: 'fetch'; url: string; fields: Record<string, string> } | { kind: 'end'; reason: string };

/** Inside a queue's wait TwiML: go on waiting, leave the queue, or the call is over. */
export type WaitNext = { kind: 'again' } | { kind: 'leave' } | { kind: 'end'; reason: string } | { kind: 'redirected'; next: Next };

/** Whole seconds since `since`, as Twilio reports QueueTime and call durations. */
export function secondsSince(since: number): number {
  return Math.max(0, Math.round((Date.now() - since) / 1000));
}

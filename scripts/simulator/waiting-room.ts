import { queueResultFields, queueSidFor, queueWaitFields } from '../lib/twilio-form';
import type { EnqueueVerb, GatherVerb, Verb } from '../lib/twiml-reader';
import type { CallerTerminal } from './caller-terminal';
import { secondsSince, type Next, type WaitNext } from './next-step';
import type { OutboxWatcher } from './outbox-watcher';

/** Music and pauses of the wait TwiML last at most this long here; a Gather in it listens this long. */
const MAX_WAIT_PAUSE_MS = 5_000;

/** What the waiting room needs of the call it holds. */
export interface WaitingCall {
  readonly callSid: string;
  /** Posts a signed webhook of this call; undefined when it failed (already reported). */
  fetch(url: string, fields: Record<string, string>): Promise<Verb[] | undefined>;
  /** Whether the hotline moved the call meanwhile (REST update), and where to. */
  movedByHotline(): Promise<WaitNext | undefined>;
}

/** Twilio's waiting room for <Enqueue>: requests waitUrl again each time its TwiML ends, with the queue's figures. */
export class WaitingRoom {
  constructor(
    private readonly call: WaitingCall,
    private readonly caller: CallerTerminal,
    private readonly outbox: OutboxWatcher,
  ) {}

  async enqueue(verb: EnqueueVerb): Promise<Next> {
    console.log(`⏳ waiting in queue ${verb.queue}…  (type q to hang up; keys answer a prompt of the wait music)`);
    const queueSid = queueSidFor(this.call.callSid);
    const enteredAt = Date.now();
    const leaveWith = (result: string): Next =>
      verb.action
        ? { kind: 'fetch', url: verb.action, fields: queueResultFields(queueSid, result, secondsSince(enteredAt)) }
        : { kind: 'end', reason: `left queue ${verb.queue} (${result}); no action URL: Twilio continues after <Enqueue>` };
    if (!verb.waitUrl) {
      console.log('   (no waitUrl: Twilio plays its default hold music)');
    }
    for (;;) {
      const waitFields = queueWaitFields({ queueSid, position: 1, queueTimeSeconds: secondsSince(enteredAt), size: 1 });
      let outcome: WaitNext;
      if (verb.waitUrl) {
        const verbs = await this.call.fetch(verb.waitUrl, waitFields);
        if (!verbs) return { kind: 'end', reason: 'the wait URL failed: Twilio would end the call' };
        outcome = await this.runWait(verbs, waitFields);
      } else {
        outcome = await this.holdMusic(MAX_WAIT_PAUSE_MS);
      }
      if (outcome.kind === 'end') return outcome;
      if (outcome.kind === 'leave') return leaveWith('leave');
      if (outcome.kind === 'redirected') {
        // The call was moved by the REST API while it waited: Twilio reports it to the Enqueue action.
        if (verb.action) await this.call.fetch(verb.action, queueResultFields(queueSid, 'redirected', secondsSince(enteredAt)));
        return outcome.next;
      }
    }
  }

  /** One wait TwiML document; its Gather answers stay in the waiting room. */
  private async runWait(verbs: Verb[], waitFields: Record<string, string>, depth = 0): Promise<WaitNext> {
    for (const verb of verbs) {
      const moved = await this.call.movedByHotline();
      if (moved) return moved;
      switch (verb.verb) {
        case 'Say':
          this.caller.hear(verb);
          break;
        case 'Play':
        case 'Pause': {
          const length = verb.verb === 'Pause' ? (verb as { length: number }).length * 1000 : MAX_WAIT_PAUSE_MS;
          const outcome = await this.holdMusic(Math.min(length, MAX_WAIT_PAUSE_MS));
          if (outcome.kind !== 'again') return outcome;
          break;
        }
        case 'Gather': {
          const outcome = await this.caller.answer(verb as GatherVerb, MAX_WAIT_PAUSE_MS);
          if (outcome === 'silence') break;
          if (outcome.kind === 'end') return outcome;
          const answer = await this.call.fetch(outcome.url, { ...waitFields, ...outcome.fields });
          if (!answer) return { kind: 'end', reason: 'a webhook failed while waiting' };
          await this.outbox.read(true);
          return depth < 10 ? this.runWait(answer, waitFields, depth + 1) : { kind: 'again' };
        }
        case 'Redirect': {
          const answer = await this.call.fetch((verb as { url: string }).url, waitFields);
          if (!answer) return { kind: 'end', reason: 'a webhook failed while waiting' };
          return depth < 10 ? this.runWait(answer, waitFields, depth + 1) : { kind: 'again' };
        }
        case 'Leave':
          console.log('🚪 leaving the queue (<Leave>)');
          return { kind: 'leave' };
        case 'Hangup':
          return { kind: 'end', reason: 'the hotline hung up while you waited (<Hangup>)' };
        default:
          console.log(`   (<${verb.verb}> in wait TwiML: not allowed there, skipped)`);
      }
    }
    const moved = await this.call.movedByHotline();
    return moved ?? { kind: 'again' };
  }

  /** Music on hold for a while; the caller may hang up, and the server may move the call meanwhile. */
  private async holdMusic(ms: number): Promise<WaitNext> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const line = await this.caller.next(Math.min(1000, until - Date.now()));
      if (line === null || (typeof line === 'string' && line.trim() === 'q')) {
        if (line === null) console.log('q (end of input)');
        return { kind: 'end', reason: 'you hung up while waiting' };
      }
      if (typeof line === 'string' && line.trim() !== '') console.log('   (keys during music are not heard)');
      const moved = await this.call.movedByHotline();
      if (moved) return moved;
    }
    return { kind: 'again' };
  }
}

import { callMoveOf, type OutboxEntry } from './dev-outbox';
import type { TwilioCallDriver } from './twilio-call-driver';
import { callFields, dialEndedFields, newCallSid, queueResultFields, queueSidFor, queueWaitFields, signedRequest, type PostForm } from './twilio-form';
import { firstVerb, readTwiml, type DialVerb, type EnqueueVerb, type Verb } from './twiml-reader';

/** The `<Dial>` of the newest call update of `callSid` in an outbox: a claim moving the caller to the agent. */
export function dialOfCallUpdate(entries: readonly OutboxEntry[], callSid: string): DialVerb | undefined {
  for (const entry of [...entries].reverse()) {
    const move = callMoveOf(entry, callSid);
    if (move?.kind === 'twiml') return firstVerb(readTwiml(move.twiml), 'Dial');
  }
  return undefined;
}

/**
 * Twilio's part of a call handed to agents, after the `<Enqueue>` it answered with: the wait URL
 * requested again and again (the caller's heartbeat), the call update of a claim carried out (the
 * caller leaves the queue for the agent's `<Dial>`), the agent's leg answering, the agent hanging up.
 */
export class QueuedCallDouble {
  private readonly enteredAt = Date.now();

  constructor(
    readonly driver: TwilioCallDriver,
    private readonly enqueue: EnqueueVerb,
    private readonly post: PostForm,
    private readonly authToken: string,
  ) {
    if (!enqueue.waitUrl || !enqueue.action) throw new Error(`an <Enqueue> without waitUrl or action: ${JSON.stringify(enqueue)}`);
  }

  /** The caller is answered with `<Enqueue>` in the driver's last answer, or undefined. */
  static from(driver: TwilioCallDriver, post: PostForm, authToken: string): QueuedCallDouble | undefined {
    const enqueue = firstVerb(driver.verbs, 'Enqueue');
    return enqueue ? new QueuedCallDouble(driver, enqueue, post, authToken) : undefined;
  }

  /** One request of the wait URL; the wait TwiML is in `driver.verbs`. */
  async wait(): Promise<Verb[]> {
    const fields = queueWaitFields({ queueSid: queueSidFor(this.driver.callSid), position: 1, queueTimeSeconds: this.seconds(), size: 1 });
    await this.driver.send(this.enqueue.waitUrl!, { CallStatus: 'in-progress', ...fields });
    return this.driver.verbs;
  }

  /** A call update moved the caller out of the queue: Twilio posts the `<Enqueue action>` at once (its answer is ignored). */
  async redirected(): Promise<void> {
    await this.driver.send(this.enqueue.action!, { CallStatus: 'in-progress', ...queueResultFields(queueSidFor(this.driver.callSid), 'redirected', this.seconds()) });
  }

  /** The agent picks up: Twilio requests the dialled noun's url on the agent's own leg. True when the hotline connected them. */
  async agentAnswers(dial: DialVerb): Promise<boolean> {
    if (!dial.answerUrl) throw new Error(`a <Dial> without the agent's answer URL: ${JSON.stringify(dial)}`);
    const leg = { callSid: newCallSid(), from: this.driver.to, to: dial.target.replace(/^(Client|Number):/, (_, noun: string) => (noun === 'Client' ? 'client:' : '')) };
    const { url, form, signature } = signedRequest(this.authToken, dial.answerUrl, callFields(leg, { CallStatus: 'in-progress' }));
    const answer = await this.post(url, form, signature);
    if (answer.status !== 200) throw new Error(`the agent-answered webhook answered ${answer.status}: ${answer.body}`);
    return readTwiml(answer.body).length === 0;
  }

  /** The `<Dial>` ends (the agent hung up after talking, or the ring ran out): its action's answer is in `driver.verbs`. */
  async dialEnds(dial: DialVerb, status: 'completed' | 'no-answer', talkSeconds: number): Promise<Verb[]> {
    if (!dial.action) throw new Error(`a <Dial> without an action: ${JSON.stringify(dial)}`);
    await this.driver.send(dial.action, { CallStatus: 'in-progress', ...dialEndedFields(status, talkSeconds) });
    return this.driver.verbs;
  }

  private seconds(): number {
    return Math.round((Date.now() - this.enteredAt) / 1000);
  }
}

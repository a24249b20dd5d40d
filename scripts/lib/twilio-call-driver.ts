import {
  callFields,
  completedStatusFields,
  DEFAULT_FROM,
  DEFAULT_TO,
  digitsFields,
  newCallSid,
  signedRequest,
  speechFields,
  type CallIdentity,
  type PostForm,
} from './twilio-form';
import { firstVerb, readTwiml, spokenText, type GatherVerb, type Verb } from './twiml-reader';

export { newCallSid, type PostForm } from './twilio-form';

export interface CallOptions {
  baseUrl: string;
  authToken: string;
  from?: string;
  to?: string;
  callSid?: string;
  extra?: Record<string, string>;
}

/**
 * Plays Twilio's part of one call: posts signed webhooks, reads the TwiML, and follows the URLs
 * it names (gather action, no-input redirect). Used by the tests, the simulator and the benchmark.
 */
export class TwilioCallDriver {
  readonly callSid: string;
  readonly from: string;
  readonly to: string;
  verbs: Verb[] = [];
  status = 0;

  constructor(private readonly post: PostForm, private readonly options: CallOptions) {
    this.callSid = options.callSid ?? newCallSid();
    this.from = options.from ?? DEFAULT_FROM;
    this.to = options.to ?? DEFAULT_TO;
  }

  /** The prompts of the last answer, as the caller hears them. */
  get heard(): string[] {
    return spokenText(this.verbs);
  }

  get gather(): GatherVerb | undefined {
    return firstVerb(this.verbs, 'Gather');
  }

  async dial(): Promise<this> {
    return this.send(`${this.options.baseUrl}/voice/incoming`, { CallStatus: 'ringing' });
  }

  /** Keys pressed while the current Gather listens. */
  async press(digits: string): Promise<this> {
    return this.send(this.requireGather().action, { ...digitsFields(digits), CallStatus: 'in-progress' });
  }

  async say(speech: string, confidence = 0.9): Promise<this> {
    return this.send(this.requireGather().action, { ...speechFields(speech, confidence), CallStatus: 'in-progress' });
  }

  /** The caller says nothing: Twilio runs the verb after the Gather. */
  async silence(): Promise<this> {
    const redirect = firstVerb(this.verbs, 'Redirect');
    if (!redirect) throw new Error(`no Redirect after the Gather: the call would end. Heard: ${this.heard.join(' | ')}`);
    return this.send(redirect.url, { CallStatus: 'in-progress' });
  }

  /** The status callback of the ended call; its HTTP status (the body is ignored, as Twilio does). */
  async hangUp(durationSeconds = 42): Promise<number> {
    const { url, form, signature } = this.request(`${this.options.baseUrl}/voice/status`, completedStatusFields(durationSeconds));
    const answer = await this.post(url, form, signature);
    return answer.status;
  }

  /** Posts to any URL of this call, signed; for webhooks the driver does not follow itself. */
  async send(url: string, fields: Record<string, string>): Promise<this> {
    const request = this.request(url, fields);
    const answer = await this.post(request.url, request.form, request.signature);
    this.status = answer.status;
    this.verbs = answer.status === 200 ? readTwiml(answer.body) : [];
    if (answer.status !== 200) throw new Error(`webhook ${url} answered ${answer.status}: ${answer.body}`);
    return this;
  }

  /** The signed webhook of this call that `send` would post, for a caller that posts it itself. */
  request(url: string, fields: Record<string, string>) {
    return signedRequest(this.options.authToken, url, callFields(this.identity, fields));
  }

  private get identity(): CallIdentity {
    return { callSid: this.callSid, from: this.from, to: this.to, extra: this.options.extra };
  }

  private requireGather() {
    const gather = this.gather;
    if (!gather) throw new Error(`no Gather in the last answer; heard: ${this.heard.join(' | ')}`);
    return gather;
  }
}

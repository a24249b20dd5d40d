import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { readTwiml, spokenText, type Verb } from './twiml-reader';

/** Sends one signed form post the way Twilio does and returns the TwiML answer. */
export type PostForm = (url: string, form: Record<string, string>, signature: string) => Promise<{ status: number; body: string }>;

export interface CallOptions {
  baseUrl: string;
  authToken: string;
  from?: string;
  to?: string;
  callSid?: string;
  extra?: Record<string, string>;
}

export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
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
    this.from = options.from ?? '+8613900000000';
    this.to = options.to ?? '+8640000000000';
  }

  /** The prompts of the last answer, as the caller hears them. */
  get heard(): string[] {
    return spokenText(this.verbs);
  }

  get gather(): Extract<Verb, { verb: 'Gather' }> | undefined {
    return this.verbs.find((verb): verb is Extract<Verb, { verb: 'Gather' }> => verb.verb === 'Gather');
  }

  async dial(): Promise<this> {
    return this.send(`${this.options.baseUrl}/voice/incoming`, { CallStatus: 'ringing' });
  }

  /** Keys pressed while the current Gather listens. */
  async press(digits: string): Promise<this> {
    return this.send(this.requireGather().action, { Digits: digits, CallStatus: 'in-progress' });
  }

  async say(speech: string, confidence = 0.9): Promise<this> {
    return this.send(this.requireGather().action, { SpeechResult: speech, Confidence: String(confidence), CallStatus: 'in-progress' });
  }

  /** The caller says nothing: Twilio runs the verb after the Gather. */
  async silence(): Promise<this> {
    const redirect = this.verbs.find((verb): verb is Extract<Verb, { verb: 'Redirect' }> => verb.verb === 'Redirect');
    if (!redirect) throw new Error(`no Redirect after the Gather: the call would end. Heard: ${this.heard.join(' | ')}`);
    return this.send(redirect.url, { CallStatus: 'in-progress' });
  }

  async hangUp(): Promise<number> {
    const params = this.params({ CallStatus: 'completed', CallDuration: '42' });
    const url = `${this.options.baseUrl}/voice/status`;
    const answer = await this.post(url, params, this.sign(url, params));
    return answer.status;
  }

  /** Posts to any URL of this call, signed; for webhooks the driver does not follow itself. */
  async send(url: string, fields: Record<string, string>): Promise<this> {
    const params = this.params(fields);
    const answer = await this.post(url, params, this.sign(url, params));
    this.status = answer.status;
    this.verbs = answer.status === 200 ? readTwiml(answer.body) : [];
    if (answer.status !== 200) throw new Error(`webhook ${url} answered ${answer.status}: ${answer.body}`);
    return this;
  }

  sign(url: string, params: Record<string, string>): string {
    return twilio.getExpectedTwilioSignature(this.options.authToken, url, params);
  }

  private params(fields: Record<string, string>): Record<string, string> {
    return {
      AccountSid: 'AC00000000000000000000000000000000',
      ApiVersion: '2010-04-01',
      CallSid: this.callSid,
      From: this.from,
      To: this.to,
      Caller: this.from,
      Called: this.to,
      Direction: 'inbound',
      FromCountry: 'CN',
      ...this.options.extra,
      ...fields,
    };
  }

  private requireGather() {
    const gather = this.gather;
    if (!gather) throw new Error(`no Gather in the last answer; heard: ${this.heard.join(' | ')}`);
    return gather;
  }
}

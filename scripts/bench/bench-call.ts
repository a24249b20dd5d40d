import { randomBytes } from 'node:crypto';
import { fetchDevOutbox, smsOfCall } from '../lib/dev-outbox';
import { createHttpPoster, type HttpPoster } from '../lib/http-poster';
import { TwilioCallDriver } from '../lib/twilio-call-driver';
import { callFields, completedStatusFields, DEFAULT_TO, digitsFields, newCallSid, signedRequest, type TwilioRequest } from '../lib/twilio-form';
import { gatherAction } from '../lib/twiml-reader';

/** The token the server under test is started with and every simulated call signs with; new each run. */
export const AUTH_TOKEN = `bench-${randomBytes(8).toString('hex')}`;

/** The keys each call presses after dialling; then it hangs up. */
export const SCRIPT = ['3', '1', '1', '#', '#'] as const;
export const STEPS_PER_CALL = SCRIPT.length + 2;
export const STEP_NAMES = ['incoming', ...SCRIPT.map((key, i) => `gather ${key}${i === 2 ? ' (SMS)' : ''}`), 'status completed'];

/**
 * One simulated call walking the script, as Twilio would place it. `next()` builds the next signed
 * webhook; `accept()` checks the answer and takes the next URL from its TwiML. After the status
 * callback it redials with a new CallSid.
 */
export class BenchCall {
  step = 0;
  callSid = '';
  from = '';
  actionUrl = '';
  busy = false;
  calls = 0;

  constructor(private readonly baseUrl: string) {
    this.newCall();
  }

  private newCall(): void {
    this.step = 0;
    this.callSid = newCallSid();
    // Many callers, many numbers: nothing per-number (rate limits, repeat-caller history) piles up.
    this.from = `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    this.calls += 1;
  }

  next(): Required<TwilioRequest> {
    const call = { callSid: this.callSid, from: this.from, to: DEFAULT_TO };
    if (this.step === 0) return signedRequest(AUTH_TOKEN, `${this.baseUrl}/voice/incoming`, callFields(call, { CallStatus: 'ringing' }));
    if (this.step <= SCRIPT.length) {
      return signedRequest(AUTH_TOKEN, this.actionUrl, callFields(call, { CallStatus: 'in-progress', ...digitsFields(SCRIPT[this.step - 1]!) }));
    }
    return signedRequest(AUTH_TOKEN, `${this.baseUrl}/voice/status`, callFields(call, completedStatusFields(42)));
  }

  /** False when the answer is not what Twilio needs to go on (the call is then restarted). */
  accept(status: number, body: string): boolean {
    if (this.step > SCRIPT.length) {
      this.newCall();
      return status === 204 || status === 200;
    }
    const action = status === 200 ? gatherAction(body) : undefined;
    if (!action) {
      this.newCall();
      return false;
    }
    this.actionUrl = action;
    this.step += 1;
    return true;
  }
}

/** Sends the call's next webhook and waits for the answer; false when it failed. */
export async function send(poster: HttpPoster, call: BenchCall): Promise<boolean> {
  const request = call.next();
  try {
    const answer = await poster.post(request.url, request.form, request.signature);
    return call.accept(answer.status, answer.body);
  } catch {
    call.accept(0, '');
    return false;
  }
}

/** Checks the script against the real prompts once, with the full TwiML reader, before timing it. */
export async function sanityCall(baseUrl: string): Promise<void> {
  const poster = createHttpPoster({ maxSockets: 1 });
  try {
    const driver = new TwilioCallDriver(poster.post, { baseUrl, authToken: AUTH_TOKEN, from: '+8613912345678' });
    await driver.dial();
    for (const key of SCRIPT) {
      await driver.press(key);
      if (!driver.gather) throw new Error(`after ${key}: no Gather; heard ${driver.heard.join(' | ')}`);
    }
    if ((await driver.hangUp()) >= 300) throw new Error('the status callback was refused');
    const outbox = (await fetchDevOutbox(poster.get, baseUrl)) ?? [];
    if (smsOfCall(outbox, driver.callSid).length === 0) {
      throw new Error('the script did not send the tech-support SMS: the benchmark would not measure what it says');
    }
  } finally {
    poster.close();
  }
}

import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { createHttpPoster, type HttpPoster } from '../lib/http-poster';
import { TwilioCallDriver } from '../lib/twilio-call-driver';

/** The token the server under test is started with and every simulated call signs with; new each run. */
export const AUTH_TOKEN = `bench-${randomBytes(8).toString('hex')}`;

const CALL_FIELDS = {
  AccountSid: 'AC00000000000000000000000000000000',
  ApiVersion: '2010-04-01',
  Direction: 'inbound',
  FromCountry: 'CN',
  To: '+8640000000000',
  Called: '+8640000000000',
};

/** The keys each call presses after dialling; then it hangs up. */
export const SCRIPT = ['3', '1', '1', '#', '#'] as const;
export const STEPS_PER_CALL = SCRIPT.length + 2;
export const STEP_NAMES = ['incoming', ...SCRIPT.map((key, i) => `gather ${key}${i === 2 ? ' (SMS)' : ''}`), 'status completed'];

const GATHER_ACTION = /<Gather\b[^>]*\baction="([^"]+)"/;

function unescapeXml(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

interface Request {
  url: string;
  fields: Record<string, string>;
  signature: string;
}

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
    this.callSid = `CA${randomBytes(16).toString('hex')}`;
    // Many callers, many numbers: nothing per-number (rate limits, repeat-caller history) piles up.
    this.from = `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    this.calls += 1;
  }

  next(): Request {
    const fields: Record<string, string> = { ...CALL_FIELDS, CallSid: this.callSid, From: this.from, Caller: this.from };
    let url: string;
    if (this.step === 0) {
      url = `${this.baseUrl}/voice/incoming`;
      fields.CallStatus = 'ringing';
    } else if (this.step <= SCRIPT.length) {
      url = this.actionUrl;
      fields.CallStatus = 'in-progress';
      fields.Digits = SCRIPT[this.step - 1]!;
    } else {
      url = `${this.baseUrl}/voice/status`;
      fields.CallStatus = 'completed';
      fields.CallDuration = '42';
    }
    return { url, fields, signature: twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, fields) };
  }

  /** False when the answer is not what Twilio needs to go on (the call is then restarted). */
  accept(status: number, body: string): boolean {
    if (this.step > SCRIPT.length) {
      this.newCall();
      return status === 204 || status === 200;
    }
    const action = status === 200 ? GATHER_ACTION.exec(body)?.[1] : undefined;
    if (!action) {
      this.newCall();
      return false;
    }
    this.actionUrl = unescapeXml(action);
    this.step += 1;
    return true;
  }
}

/** Sends the call's next webhook and waits for the answer; false when it failed. */
export async function send(poster: HttpPoster, call: BenchCall): Promise<boolean> {
  const request = call.next();
  try {
    const answer = await poster.post(request.url, request.fields, request.signature);
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
    const outbox = JSON.parse((await poster.get(`${baseUrl}/dev/outbox`)).body) as Array<{ kind: string; callSid?: string }>;
    if (!outbox.some((entry) => entry.kind === 'sms' && entry.callSid === driver.callSid)) {
      throw new Error('the script did not send the tech-support SMS: the benchmark would not measure what it says');
    }
  } finally {
    poster.close();
  }
}

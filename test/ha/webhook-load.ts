import { firstVerb } from '../../scripts/lib/twiml-reader';
import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { prompt, type TestHotline } from '../support/test-app';

/**
 * A caller's pause between webhooks: a real caller listens and presses keys for seconds, so an
 * outage never turns the load into a tight loop of instant apologies (shortened: the test is short).
 */
const THINK_MS = 50;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one TwiML webhook answered, as Twilio would judge it. */
type Answered = 'normal' | 'apology' | 'failed';

/** Every TwiML webhook of the load and the probes, counted by how it was answered. */
export class WebhookTally {
  normal = 0;
  apology = 0;
  /** Not 200 TwiML: what Twilio would read out as "an application error has occurred". */
  readonly failures: string[] = [];
  /** Status callbacks (not TwiML) that asked Twilio to try again (503), and were tried again. */
  statusRetries = 0;
  /** The longest a TwiML webhook took to answer, in ms (Twilio gives up after 15 s). */
  slowestMs = 0;
  /** When each TwiML webhook was answered (ms since the epoch) and how. */
  readonly answers: Array<{ at: number; answered: Answered }> = [];

  /** The share of apologies among the answers given from `from` to `to` (ms since the epoch). */
  apologyShare(from = 0, to = Infinity): number {
    const within = this.answers.filter((answer) => answer.at >= from && answer.at <= to);
    return within.filter((answer) => answer.answered === 'apology').length / Math.max(1, within.length);
  }

  get total(): number {
    return this.normal + this.apology + this.failures.length;
  }

  /** Posts one webhook through `step`; answers how it went, never throws. */
  async post(call: TwilioCallDriver, step: () => Promise<unknown>): Promise<Answered> {
    const answered = await this.judge(call, step);
    this.answers.push({ at: Date.now(), answered });
    return answered;
  }

  private async judge(call: TwilioCallDriver, step: () => Promise<unknown>): Promise<Answered> {
    const started = Date.now();
    try {
      await step();
    } catch (error) {
      this.failures.push(`${call.callSid}: ${(error as Error).message.slice(0, 200)}`);
      return 'failed';
    } finally {
      this.slowestMs = Math.max(this.slowestMs, Date.now() - started);
    }
    if (call.verbs.length === 0) {
      this.failures.push(`${call.callSid}: 200 without TwiML verbs`);
      return 'failed';
    }
    if (call.heard.some((text) => text.includes(prompt('error.apology')))) {
      this.apology++;
      return 'apology';
    }
    this.normal++;
    return 'normal';
  }
}

/** A whole call: `normal` when every step was answered normally; `hungUp` settles when its status callback was taken. */
export interface WholeCall {
  call: TwilioCallDriver;
  normal: boolean;
  hungUp: Promise<void>;
}

/**
 * One whole call as a caller makes it: the welcome, menu 3 (technical support), its first topic,
 * an agent (the caller is queued), and the hang-up. An apology ends the script: the caller follows
 * its way forward (the recovery redirect) as Twilio would, then hangs up. The status callback goes
 * on by itself (Twilio sends it again after a 503 while the caller is long gone).
 */
export async function wholeCall(hotline: TestHotline, tally: WebhookTally, options: { hangUp?: boolean } = {}): Promise<WholeCall> {
  const call = hotline.call();
  const steps: Array<() => Promise<unknown>> = [() => call.dial(), () => call.press('3'), () => call.press('1'), () => call.press('2')];
  let normal = true;
  for (const step of steps) {
    await pause(THINK_MS);
    const answered = await tally.post(call, step);
    if (answered === 'normal') continue;
    normal = false;
    if (answered === 'apology') await followWayForward(call, tally);
    break;
  }
  if (normal) normal = call.verbs.some((verb) => verb.verb === 'Enqueue');
  const hungUp = options.hangUp === false ? Promise.resolve() : hangUp(call, tally);
  return { call, normal, hungUp };
}

/** After an apology: the recovery redirect, as Twilio follows it, a few times at most. */
async function followWayForward(call: TwilioCallDriver, tally: WebhookTally): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const redirect = firstVerb(call.verbs, 'Redirect');
    if (!redirect || call.gather) return;
    await pause(THINK_MS);
    if ((await tally.post(call, () => call.send(redirect.url, { CallStatus: 'in-progress' }))) === 'failed') return;
  }
}

/** The call's status callback; a 503 (the hang-up not recorded yet) is sent again a second later, as Twilio's retries would. */
export async function hangUp(call: TwilioCallDriver, tally: WebhookTally): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const status = await call.hangUp().catch(() => 0);
    if (status === 204) return;
    if (status !== 503) {
      tally.failures.push(`${call.callSid}: status callback answered ${status}`);
      return;
    }
    tally.statusRetries++;
    await pause(1000);
  }
  tally.failures.push(`${call.callSid}: status callback never recorded`);
}

/** `callers` concurrent callers, each making whole calls one after another until `stop()` (which waits for every status callback too). */
export function steadyLoad(hotline: TestHotline, tally: WebhookTally, callers: number): { stop(): Promise<number> } {
  let running = true;
  let calls = 0;
  const hangUps: Array<Promise<void>> = [];
  const loops = Array.from({ length: callers }, async () => {
    while (running) {
      hangUps.push((await wholeCall(hotline, tally)).hungUp);
      calls++;
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      await Promise.all(hangUps);
      return calls;
    },
  };
}

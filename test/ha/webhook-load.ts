import { firstVerb } from '../../scripts/lib/twiml-reader';
import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { prompt, type TestHotline } from '../support/test-app';

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

  get total(): number {
    return this.normal + this.apology + this.failures.length;
  }

  /** Posts one webhook through `step`; answers how it went, never throws. */
  async post(call: TwilioCallDriver, step: () => Promise<unknown>): Promise<Answered> {
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

/**
 * One whole call as a caller makes it: the welcome, menu 3 (technical support), its first topic,
 * an agent (the caller is queued), and the hang-up. An apology ends the script: the caller follows
 * its way forward (the recovery redirect) as Twilio would, then hangs up. Answers true when every
 * step was answered normally.
 */
export async function wholeCall(hotline: TestHotline, tally: WebhookTally, options: { hangUp?: boolean } = {}): Promise<{ call: TwilioCallDriver; normal: boolean }> {
  const call = hotline.call();
  const steps: Array<() => Promise<unknown>> = [() => call.dial(), () => call.press('3'), () => call.press('1'), () => call.press('2')];
  let normal = true;
  for (const step of steps) {
    const answered = await tally.post(call, step);
    if (answered === 'normal') continue;
    normal = false;
    if (answered === 'apology') await followWayForward(call, tally);
    break;
  }
  if (normal) normal = call.verbs.some((verb) => verb.verb === 'Enqueue');
  if (options.hangUp !== false) await hangUp(call, tally);
  return { call, normal };
}

/** After an apology: the recovery redirect, as Twilio follows it, a few times at most. */
async function followWayForward(call: TwilioCallDriver, tally: WebhookTally): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const redirect = firstVerb(call.verbs, 'Redirect');
    if (!redirect || call.gather) return;
    if ((await tally.post(call, () => call.send(redirect.url, { CallStatus: 'in-progress' }))) === 'failed') return;
  }
}

/** The call's status callback; a 503 (the hang-up not recorded yet) is sent again, as Twilio's retries would. */
export async function hangUp(call: TwilioCallDriver, tally: WebhookTally): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const status = await call.hangUp().catch(() => 0);
    if (status === 204) return;
    if (status !== 503) {
      tally.failures.push(`${call.callSid}: status callback answered ${status}`);
      return;
    }
    tally.statusRetries++;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  tally.failures.push(`${call.callSid}: status callback never recorded`);
}

/** `callers` concurrent callers, each making whole calls one after another until `stop()`. */
export function steadyLoad(hotline: TestHotline, tally: WebhookTally, callers: number): { stop(): Promise<number> } {
  let running = true;
  let calls = 0;
  const loops = Array.from({ length: callers }, async () => {
    while (running) {
      await wholeCall(hotline, tally);
      calls++;
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return calls;
    },
  };
}

import type { HttpPoster } from '../lib/http-poster';
import { TIMED_OUT } from '../lib/line-reader';
import { TwilioCallDriver } from '../lib/twilio-call-driver';
import { dialEndedFields } from '../lib/twilio-form';
import { readTwiml, type DialVerb, type EnqueueVerb, type GatherVerb, type Verb } from '../lib/twiml-reader';
import type { SimulatorOptions } from './cli-options';
import type { CallerTerminal } from './caller-terminal';
import { secondsSince, type Next, type WaitNext } from './next-step';
import { OutboxWatcher } from './outbox-watcher';
import { WaitingRoom } from './waiting-room';

/**
 * Plays Twilio's part in one call from the terminal: posts the signed webhooks, runs each TwiML
 * answer verb after verb, and posts the status callback when the call ends.
 */
export class TwimlRunner {
  private readonly driver: TwilioCallDriver;
  private readonly outbox: OutboxWatcher;
  private readonly waitingRoom: WaitingRoom;
  private startedAt = Date.now();

  constructor(
    private readonly poster: HttpPoster,
    private readonly caller: CallerTerminal,
    private readonly options: SimulatorOptions,
  ) {
    this.driver = new TwilioCallDriver(poster.post, {
      baseUrl: options.baseUrl,
      authToken: options.token,
      from: options.from,
      to: options.to,
      ...(options.stir ? { extra: { StirVerstat: options.stir } } : {}),
    });
    this.outbox = new OutboxWatcher(poster, options.baseUrl, this.driver);
    this.waitingRoom = new WaitingRoom(this, caller, this.outbox);
  }

  get callSid(): string {
    return this.driver.callSid;
  }

  async run(): Promise<void> {
    try {
      await this.poster.get(`${this.options.baseUrl}/healthz`);
    } catch (error) {
      console.error(`❌ nothing answers at ${this.options.baseUrl} (${(error as Error).message}): start the hotline with \`npm start\`, or pass --url`);
      process.exitCode = 1;
      return;
    }
    await this.outbox.read(false);
    console.log(`☎  Dialling ${this.options.to} at ${this.options.baseUrl} from ${this.options.from} (CallSid ${this.driver.callSid})`);
    this.startedAt = Date.now();
    let next: Next = { kind: 'fetch', url: `${this.options.baseUrl}/voice/incoming`, fields: { CallStatus: 'ringing' } };
    while (next.kind === 'fetch') {
      const verbs = await this.fetch(next.url, next.fields);
      if (!verbs) {
        process.exitCode = 1;
        next = { kind: 'end', reason: 'the webhook failed: Twilio would play "an application error has occurred" and hang up' };
        break;
      }
      await this.outbox.read(true);
      next = await this.execute(verbs);
    }
    console.log(`☎  ${next.reason}`);
    await this.hangUp();
  }

  /** Posts a signed webhook of this call; prints what went wrong instead of throwing. */
  async fetch(url: string, fields: Record<string, string>): Promise<Verb[] | undefined> {
    try {
      await this.driver.send(url, { CallStatus: 'in-progress', ...fields });
      return this.driver.verbs;
    } catch (error) {
      console.log(`❌ ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Runs one TwiML document as Twilio does, verb after verb. */
  private async execute(verbs: Verb[]): Promise<Next> {
    for (const verb of verbs) {
      switch (verb.verb) {
        case 'Say':
        case 'Play':
        case 'Pause':
          this.caller.hear(verb);
          break;
        case 'Gather': {
          const outcome = await this.caller.answer(verb as GatherVerb);
          if (outcome === 'silence') break;
          return outcome;
        }
        case 'Redirect':
          return { kind: 'fetch', url: (verb as { url: string }).url, fields: {} };
        case 'Enqueue':
          return this.waitingRoom.enqueue(verb as EnqueueVerb);
        case 'Dial': {
          const outcome = await this.dial(verb as DialVerb);
          if (outcome) return outcome;
          break;
        }
        case 'Hangup':
          return { kind: 'end', reason: 'the hotline hung up (<Hangup>)' };
        case 'Leave':
          console.log('   (<Leave> outside a queue: ignored, as Twilio does)');
          break;
        default:
          console.log(`   (<${verb.verb}>: not simulated, skipped)`);
      }
    }
    return { kind: 'end', reason: 'end of the TwiML: Twilio hangs up the call' };
  }

  /** A call update (REST `calls(sid).update`) recorded in the outbox moves this call, as it would in Twilio. */
  async movedByHotline(): Promise<WaitNext | undefined> {
    const move = await this.outbox.nextMove();
    if (!move) return undefined;
    if (move.kind === 'ended') return { kind: 'end', reason: 'the hotline ended the call' };
    if (move.kind === 'twiml') return { kind: 'redirected', next: await this.execute(readTwiml(move.twiml)) };
    return { kind: 'redirected', next: { kind: 'fetch', url: move.url, fields: {} } };
  }

  /**
   * The caller is bridged to someone; the conversation lasts until Enter (their side hangs up),
   * q (the caller hangs up), or the hotline moves the call (an agent's wrap-up starts the survey).
   */
  private async dial(verb: DialVerb): Promise<Next | undefined> {
    console.log(`📞 connecting to ${verb.target}…`);
    if (verb.answerUrl) {
      // The other side picks up at once: Twilio then requests the dialled noun's url.
      const answered = await this.fetch(verb.answerUrl, {});
      if (!answered) return { kind: 'end', reason: 'the answered webhook failed: Twilio would drop the bridge' };
      console.log(`   ${verb.target} answered`);
    }
    process.stdout.write('   (you are talking to them now; press Enter to end their side of the call, q to hang up) > ');
    const started = Date.now();
    for (;;) {
      const line = await this.caller.next(1000);
      if (line === TIMED_OUT) {
        const moved = await this.movedByHotline();
        if (moved?.kind === 'redirected') return moved.next;
        if (moved?.kind === 'end') return moved;
        continue;
      }
      this.caller.echo(line);
      if (line === null || line.trim() === 'q') return { kind: 'end', reason: 'you hung up during the connected call' };
      break;
    }
    if (!verb.action) return undefined;
    return { kind: 'fetch', url: verb.action, fields: dialEndedFields('completed', secondsSince(started)) };
  }

  /** The status callback Twilio posts when the call ends, whoever hung up. */
  async hangUp(): Promise<void> {
    try {
      await this.driver.hangUp(secondsSince(this.startedAt));
    } catch (error) {
      console.log(`❌ status callback failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await this.outbox.read(true);
  }
}

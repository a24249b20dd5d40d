/**
 * Dial the running hotline from the terminal as Twilio would, with no Twilio account:
 *
 *   npm run call -- [--from +8613800000001] [--lang en] [--url http://localhost:3000] [--token …]
 *
 * Every webhook is a form post signed with X-Twilio-Signature (the token defaults to
 * TWILIO_AUTH_TOKEN, else the simulate-mode development token). Prompts are printed; type keys
 * (`1`, `123456#`, `*`), `s <words>` to speak, an empty line to stay silent, `q` to hang up.
 * Works with piped input too: `printf '3\n1\n1\nq\n' | npm run call`.
 */
import { parseArgs } from 'node:util';
import { SIMULATE_DEV_AUTH_TOKEN } from '../src/config';
import { createHttpPoster, type HttpPoster } from './lib/http-poster';
import { LineReader, TIMED_OUT } from './lib/line-reader';
import { TwilioCallDriver } from './lib/twilio-call-driver';
import { readTwiml, type Verb } from './lib/twiml-reader';

type GatherVerb = Extract<Verb, { verb: 'Gather' }>;
type EnqueueVerb = Extract<Verb, { verb: 'Enqueue' }>;
type DialVerb = Extract<Verb, { verb: 'Dial' }>;

/** What the call does after a TwiML document: Twilio requests another URL, or the call is over. */
type Next = { kind: 'fetch'; url: string; fields: Record<string, string> } | { kind: 'end'; reason: string };

/** Inside a queue's wait TwiML: go on waiting, leave the queue, or the call is over. */
type WaitNext = { kind: 'again' } | { kind: 'leave' } | { kind: 'end'; reason: string } | { kind: 'redirected'; next: Next };

interface OutboxEntry {
  kind: 'sms' | 'call-update' | 'call';
  to?: string;
  body?: string;
  callSid?: string;
  twiml?: string;
  url?: string;
  status?: string;
  at: string;
}

const HELP = `usage: npm run call -- [--from +8613800000001] [--to +8640000000000] [--lang en] [--url http://localhost:3000] [--token …]
  --from   caller ID (default +8613800000001, a demo wallet)
  --to     the hotline number dialled (default +8640000000000)
  --lang   en presses 9 at the main menu (English)
  --url    the hotline's PUBLIC_BASE_URL (default $PUBLIC_BASE_URL or http://localhost:$PORT)
  --token  Twilio auth token to sign with (default $TWILIO_AUTH_TOKEN or the simulate-mode dev token)
  --stir   StirVerstat to send, e.g. TN-Validation-Passed-A
at a prompt: keys (1, 123456#, *), "s <words>" to speak, empty line = silence, q = hang up`;

const MAX_WAIT_PAUSE_MS = 5_000;

class CallSimulator {
  private readonly driver: TwilioCallDriver;
  private readonly seenOutbox = new Set<string>();
  private outboxAvailable = true;
  private autoEnglishPending: boolean;
  private readonly echo = !process.stdin.isTTY;
  private startedAt = Date.now();

  constructor(
    private readonly poster: HttpPoster,
    private readonly input: LineReader,
    private readonly options: { baseUrl: string; token: string; from: string; to: string; lang?: string; stir?: string },
  ) {
    this.driver = new TwilioCallDriver(poster.post, {
      baseUrl: options.baseUrl,
      authToken: options.token,
      from: options.from,
      to: options.to,
      ...(options.stir ? { extra: { StirVerstat: options.stir } } : {}),
    });
    this.autoEnglishPending = options.lang === 'en';
  }

  async run(): Promise<void> {
    try {
      await this.poster.get(`${this.options.baseUrl}/healthz`);
    } catch (error) {
      console.error(`❌ nothing answers at ${this.options.baseUrl} (${(error as Error).message}): start the hotline with \`npm start\`, or pass --url`);
      process.exitCode = 1;
      return;
    }
    await this.readOutbox(false);
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
      await this.readOutbox(true);
      next = await this.execute(verbs);
    }
    console.log(`☎  ${next.reason}`);
    await this.hangUp();
  }

  /** Posts a signed webhook of this call; prints what went wrong instead of throwing. */
  private async fetch(url: string, fields: Record<string, string>): Promise<Verb[] | undefined> {
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
          this.say(verb as Extract<Verb, { verb: 'Say' }>);
          break;
        case 'Play':
          console.log(`🎵 (plays ${(verb as { url: string }).url})`);
          break;
        case 'Pause':
          console.log(`   … (${(verb as { length: number }).length} s pause)`);
          break;
        case 'Gather': {
          const outcome = await this.gather(verb as GatherVerb);
          if (outcome === 'silence') break;
          return outcome;
        }
        case 'Redirect':
          return { kind: 'fetch', url: (verb as { url: string }).url, fields: {} };
        case 'Enqueue':
          return this.enqueue(verb as EnqueueVerb);
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

  private say(verb: { text: string; language?: string }): void {
    const tag = verb.language ? `[${verb.language}] ` : '';
    console.log(`🔊 ${tag}${verb.text}`);
  }

  /** Prompts nested in the Gather, then the caller's answer. 'silence' goes on with the next verb. */
  private async gather(gather: GatherVerb, timeoutMs?: number): Promise<Next | 'silence'> {
    for (const child of gather.children) {
      if (child.verb === 'Say') this.say(child as Extract<Verb, { verb: 'Say' }>);
      else if (child.verb === 'Pause') console.log(`   … (${(child as { length: number }).length} s pause)`);
      else if (child.verb === 'Play') console.log(`🎵 (plays ${(child as { url: string }).url})`);
    }
    const speech = gather.input.includes('speech');
    const keys = gather.numDigits ? `${gather.numDigits} key${gather.numDigits > 1 ? 's' : ''}` : `keys ending with ${gather.finishOnKey || '#'}`;
    let line: string | null | typeof TIMED_OUT;
    if (this.autoEnglishPending && gather.numDigits === 1) {
      this.autoEnglishPending = false;
      line = '9';
      console.log(`⌨  ${keys}${speech ? ', or "s <words>"' : ''} > 9   (--lang en)`);
    } else {
      process.stdout.write(`⌨  ${keys}${speech ? ', or "s <words>"' : ''}; empty = silence, q = hang up > `);
      line = await this.input.next(timeoutMs);
      if (line === TIMED_OUT) {
        process.stdout.write('(no key)\n');
        return 'silence';
      }
      if (this.echo || line === null) process.stdout.write(`${line ?? 'q (end of input)'}\n`);
    }
    const text = (line ?? 'q').trim();
    if (text === 'q') return { kind: 'end', reason: 'you hung up' };
    if (text === '') return 'silence';
    if (/^s(\s|$)/i.test(text)) {
      const words = text.slice(1).trim();
      if (!speech) {
        console.log('   (this prompt listens for keys only: speech is not heard)');
        return 'silence';
      }
      if (!words) return 'silence';
      return { kind: 'fetch', url: gather.action, fields: { SpeechResult: words, Confidence: '0.92' } };
    }
    const pressed = text.replace(/\s+/g, '');
    if (!/^[0-9*#]+$/.test(pressed)) {
      console.log('   (not a key: type 0-9, * or #, "s <words>", an empty line or q)');
      return this.gather({ ...gather, children: [] }, timeoutMs);
    }
    return { kind: 'fetch', url: gather.action, fields: this.digits(gather, pressed) };
  }

  /** What Twilio posts for keys typed at a Gather: finishOnKey ends the input and is not part of Digits. */
  private digits(gather: GatherVerb, pressed: string): Record<string, string> {
    const finishOnKey = gather.finishOnKey ?? '#';
    let digits = pressed;
    if (finishOnKey && digits.length > 1 && digits.includes(finishOnKey)) {
      digits = digits.slice(0, digits.indexOf(finishOnKey));
      return { Digits: digits, FinishedOnKey: finishOnKey };
    }
    if (gather.numDigits && digits.length > gather.numDigits) {
      console.log(`   (this prompt takes ${gather.numDigits} key${gather.numDigits > 1 ? 's' : ''}: sending ${digits.slice(0, gather.numDigits)})`);
      digits = digits.slice(0, gather.numDigits);
    }
    return { Digits: digits };
  }

  /** Twilio's waiting room: requests waitUrl again each time its TwiML ends, with the queue's figures. */
  private async enqueue(verb: EnqueueVerb): Promise<Next> {
    console.log(`⏳ waiting in queue ${verb.queue}…  (type q to hang up; keys answer a prompt of the wait music)`);
    const queueSid = `QU${this.driver.callSid.slice(2)}`;
    const enteredAt = Date.now();
    const leaveWith = (result: string): Next =>
      verb.action
        ? { kind: 'fetch', url: verb.action, fields: { QueueResult: result, QueueSid: queueSid, QueueTime: String(seconds(enteredAt)) } }
        : { kind: 'end', reason: `left queue ${verb.queue} (${result}); no action URL: Twilio continues after <Enqueue>` };
    if (!verb.waitUrl) {
      console.log('   (no waitUrl: Twilio plays its default hold music)');
    }
    for (;;) {
      const waitFields = {
        QueueSid: queueSid,
        QueuePosition: '1',
        QueueTime: String(seconds(enteredAt)),
        AvgQueueTime: '0',
        CurrentQueueSize: '1',
        MaxQueueSize: '100',
      };
      let outcome: WaitNext;
      if (verb.waitUrl) {
        const verbs = await this.fetch(verb.waitUrl, waitFields);
        if (!verbs) return { kind: 'end', reason: 'the wait URL failed: Twilio would end the call' };
        outcome = await this.runWait(verbs, waitFields);
      } else {
        outcome = await this.holdMusic(MAX_WAIT_PAUSE_MS);
      }
      if (outcome.kind === 'end') return outcome;
      if (outcome.kind === 'leave') return leaveWith('leave');
      if (outcome.kind === 'redirected') {
        // The call was moved by the REST API while it waited: Twilio reports it to the Enqueue action.
        if (verb.action) await this.fetch(verb.action, { QueueResult: 'redirected', QueueSid: queueSid, QueueTime: String(seconds(enteredAt)) });
        return outcome.next;
      }
    }
  }

  /** One wait TwiML document; its Gather answers stay in the waiting room. */
  private async runWait(verbs: Verb[], waitFields: Record<string, string>, depth = 0): Promise<WaitNext> {
    for (const verb of verbs) {
      const moved = await this.checkCallUpdates();
      if (moved) return moved;
      switch (verb.verb) {
        case 'Say':
          this.say(verb as Extract<Verb, { verb: 'Say' }>);
          break;
        case 'Play':
        case 'Pause': {
          const length = verb.verb === 'Pause' ? (verb as { length: number }).length * 1000 : MAX_WAIT_PAUSE_MS;
          const outcome = await this.holdMusic(Math.min(length, MAX_WAIT_PAUSE_MS));
          if (outcome.kind !== 'again') return outcome;
          break;
        }
        case 'Gather': {
          const outcome = await this.gather(verb as GatherVerb, MAX_WAIT_PAUSE_MS);
          if (outcome === 'silence') break;
          if (outcome.kind === 'end') return outcome;
          const answer = await this.fetch(outcome.url, { ...waitFields, ...outcome.fields });
          if (!answer) return { kind: 'end', reason: 'a webhook failed while waiting' };
          await this.readOutbox(true);
          return depth < 10 ? this.runWait(answer, waitFields, depth + 1) : { kind: 'again' };
        }
        case 'Redirect': {
          const answer = await this.fetch((verb as { url: string }).url, waitFields);
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
    const moved = await this.checkCallUpdates();
    return moved ?? { kind: 'again' };
  }

  /** Music on hold for a while; the caller may hang up, and the server may move the call meanwhile. */
  private async holdMusic(ms: number): Promise<WaitNext> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const line = await this.input.next(Math.min(1000, until - Date.now()));
      if (line === null || (typeof line === 'string' && line.trim() === 'q')) {
        if (line === null) console.log('q (end of input)');
        return { kind: 'end', reason: 'you hung up while waiting' };
      }
      if (typeof line === 'string' && line.trim() !== '') console.log('   (keys during music are not heard)');
      const moved = await this.checkCallUpdates();
      if (moved) return moved;
    }
    return { kind: 'again' };
  }

  /** A call update (REST `calls(sid).update`) recorded in the outbox moves this call, as it would in Twilio. */
  private async checkCallUpdates(): Promise<WaitNext | undefined> {
    const updates = (await this.readOutbox(true)).filter((entry) => entry.kind === 'call-update' && entry.callSid === this.driver.callSid);
    for (const update of updates) {
      if (update.status === 'completed' || update.status === 'canceled') return { kind: 'end', reason: 'the hotline ended the call' };
      if (update.twiml) {
        console.log('↪  the hotline moved the call (new TwiML)');
        return { kind: 'redirected', next: await this.execute(readTwiml(update.twiml)) };
      }
      if (update.url) {
        console.log(`↪  the hotline moved the call to ${update.url}`);
        return { kind: 'redirected', next: { kind: 'fetch', url: update.url, fields: {} } };
      }
    }
    return undefined;
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
      const line = await this.input.next(1000);
      if (line === TIMED_OUT) {
        const moved = await this.checkCallUpdates();
        if (moved?.kind === 'redirected') return moved.next;
        if (moved?.kind === 'end') return moved;
        continue;
      }
      if (this.echo || line === null) process.stdout.write(`${typeof line === 'string' ? line : 'q (end of input)'}\n`);
      if (line === null || line.trim() === 'q') return { kind: 'end', reason: 'you hung up during the connected call' };
      break;
    }
    if (!verb.action) return undefined;
    return {
      kind: 'fetch',
      url: verb.action,
      fields: { DialCallStatus: 'completed', DialCallSid: `CA${'0'.repeat(24)}${Date.now().toString(16).slice(-8)}`, DialCallDuration: String(seconds(started)) },
    };
  }

  /** The status callback Twilio posts when the call ends, whoever hung up. */
  async hangUp(): Promise<void> {
    const url = `${this.options.baseUrl}/voice/status`;
    try {
      const fields = { CallStatus: 'completed', CallDuration: String(seconds(this.startedAt)) };
      await this.poster.post(url, { ...this.baseParams(), ...fields }, this.driver.sign(url, { ...this.baseParams(), ...fields }));
    } catch (error) {
      console.log(`❌ status callback failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await this.readOutbox(true);
  }

  private baseParams(): Record<string, string> {
    return {
      AccountSid: 'AC00000000000000000000000000000000',
      ApiVersion: '2010-04-01',
      CallSid: this.driver.callSid,
      From: this.driver.from,
      To: this.driver.to,
      Caller: this.driver.from,
      Called: this.driver.to,
      Direction: 'inbound',
      FromCountry: 'CN',
      ...(this.options.stir ? { StirVerstat: this.options.stir } : {}),
    };
  }

  /** New outbox entries since the last look; prints SMS to the caller's phone. */
  private async readOutbox(print: boolean): Promise<OutboxEntry[]> {
    if (!this.outboxAvailable) return [];
    let entries: OutboxEntry[];
    try {
      const answer = await this.poster.get(`${this.options.baseUrl}/dev/outbox`);
      if (answer.status !== 200) {
        this.outboxAvailable = false;
        if (print) console.log('   (GET /dev/outbox is not there: the server is not in simulate mode; SMS go out for real)');
        return [];
      }
      entries = JSON.parse(answer.body) as OutboxEntry[];
    } catch {
      return [];
    }
    const fresh: OutboxEntry[] = [];
    for (const entry of entries) {
      const key = JSON.stringify(entry);
      if (this.seenOutbox.has(key)) continue;
      this.seenOutbox.add(key);
      fresh.push(entry);
    }
    if (print) {
      for (const entry of fresh) {
        if (entry.kind === 'sms' && entry.to === this.driver.from) console.log(`📱 SMS to ${entry.to}: ${entry.body}`);
      }
    }
    return fresh;
  }
}

function seconds(since: number): number {
  return Math.max(0, Math.round((Date.now() - since) / 1000));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string', default: '+8613800000001' },
      to: { type: 'string', default: '+8640000000000' },
      lang: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      stir: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.lang && !['en', 'zh'].includes(values.lang)) {
    console.error('--lang must be en or zh');
    process.exitCode = 2;
    return;
  }
  const baseUrl = (values.url ?? process.env.PUBLIC_BASE_URL ?? `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, '');
  const token = values.token ?? (process.env.TWILIO_AUTH_TOKEN || SIMULATE_DEV_AUTH_TOKEN);
  const poster = createHttpPoster({ maxSockets: 2 });
  const input = new LineReader(process.stdin);
  const simulator = new CallSimulator(poster, input, { baseUrl, token, from: values.from!, to: values.to!, lang: values.lang, stir: values.stir });
  process.once('SIGINT', () => {
    console.log('\n☎  you hung up (Ctrl-C)');
    void simulator.hangUp().finally(() => process.exit(130));
  });
  try {
    await simulator.run();
  } catch (error) {
    console.error('❌', error);
    process.exitCode = 1;
  } finally {
    input.close();
    poster.close();
  }
}

void main();

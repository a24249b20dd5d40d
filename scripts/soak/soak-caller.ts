import { setTimeout as sleep } from 'node:timers/promises';
import type { Language } from '../../flows/vocabulary';
import type { PromptCatalogue } from '../../src/prompts/prompt-catalogue';
import { QueuedCallDouble } from '../lib/handoff-double';
import { TwilioCallDriver } from '../lib/twilio-call-driver';
import type { PostForm } from '../lib/twilio-form';
import { firstVerb } from '../lib/twiml-reader';
import type { AgentDesk, Claimed } from './agent-desk';
import { scriptFor, type CallScript, type MenuTurn } from './call-scripts';
import type { CallFailure, SoakStats } from './soak-stats';

/** A call that went wrong, and why; the caller hangs up (Twilio posts the status callback). */
class CallFailed extends Error {
  constructor(
    readonly reason: CallFailure,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface SoakCallerDeps {
  /** Posts through the balancer and counts every webhook (soak-poster.ts). */
  post: PostForm;
  publicBaseUrl: string;
  authToken: string;
  stats: SoakStats;
  desk: AgentDesk;
  catalogue: PromptCatalogue;
  turnSeconds: number;
  agentShare: number;
}

/** Prompts as the caller hears them, by language and key. */
const texts = new Map<string, string>();

/** Status callback deliveries before Twilio gives up on one. */
const STATUS_ATTEMPTS = 5;

/** How long Twilio plays the `<Pause>`s of the last answer. */
function playMs(driver: TwilioCallDriver): number {
  return driver.verbs.reduce((ms, verb) => ms + (verb.verb === 'Pause' ? (verb as { length: number }).length * 1000 : 0), 0);
}

/** How often a caller follows an apology's `<Redirect>` or presses a key again before giving up on a turn. */
const MAX_RECOVERIES = 4;

/**
 * One line of simulated calls: a call through the real menus (a turn every few seconds, each
 * answer checked against the prompt it must lead to), and when it ends the next call, until the
 * run stops starting calls. A call that asks for an agent waits in the queue, requesting its wait
 * URL every few seconds, until the desk hands it an agent's `<Dial>`; then Twilio's part of the
 * conversation, the survey, the hang-up.
 */
export class SoakCaller {
  private calls = 0;

  constructor(
    private readonly deps: SoakCallerDeps,
    private readonly line: number,
  ) {}

  /** Places calls one after another until `stopStartingAt` (ms since the start); each call that started finishes. */
  async run(stopStartingAt: number): Promise<void> {
    // The lines start spread over two turns, not all at one instant.
    await sleep(Math.random() * 2000 * this.deps.turnSeconds);
    while (this.deps.stats.now() < stopStartingAt) {
      await this.call(scriptFor(this.line + this.calls, this.deps.agentShare));
      this.calls += 1;
    }
  }

  private async call(script: CallScript): Promise<void> {
    const { stats } = this.deps;
    const driver = new TwilioCallDriver(this.deps.post, {
      baseUrl: this.deps.publicBaseUrl,
      authToken: this.deps.authToken,
      from: `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    });
    stats.callsStarted += 1;
    stats.active += 1;
    try {
      // What the caller heard last before each turn: the welcome's menu in Mandarin, then the script's prompts.
      let before = this.text('main.menu', 'zh-CN');
      await this.webhook(() => driver.dial());
      await this.settle(driver, before, undefined, 'dial');
      for (const turn of script.turns) {
        await this.think();
        const expected = this.text(turn.expect, script.language);
        await this.turn(driver, turn, expected, before);
        before = expected;
      }
      if (script.toAgent) {
        stats.callsToAgent += 1;
        await this.think();
        await this.toAgent(driver);
        stats.callsServed += 1;
      }
      stats.callsCompleted += 1;
    } catch (error) {
      stats.failed(error instanceof CallFailed ? error.reason : 'webhook not 200', `${script.name}: ${(error as Error).message}`);
    } finally {
      this.deps.desk.left(driver.callSid);
      await this.statusCallback(driver);
      stats.active -= 1;
    }
  }

  /** One key (or silence) and its answer. */
  private async turn(driver: TwilioCallDriver, turn: MenuTurn, expected: string, before: string): Promise<void> {
    const press = () => this.webhook(() => (turn.press === 'silence' ? driver.silence() : driver.press(turn.press)));
    await press();
    await this.settle(driver, expected, { before, again: press }, turn.press);
  }

  /**
   * Until the caller hears `expected`: an apology's way forward is followed once it has been heard
   * (its `<Pause>` too), as Twilio plays it before the `<Redirect>`; a key the hotline did not apply
   * (the caller hears the prompt from before it) is pressed again. Anything else fails the call.
   */
  private async settle(driver: TwilioCallDriver, expected: string, repeat: { before: string; again: () => Promise<unknown> } | undefined, what: string): Promise<void> {
    for (let recoveries = 0; ; recoveries++) {
      const last = driver.heard.at(-1);
      if (last === expected) return;
      if (driver.verbs.some((verb) => verb.verb === 'Hangup')) throw new CallFailed('hung up by the hotline', `${what} → ${driver.heard.join(' | ')}`);
      if (recoveries >= MAX_RECOVERIES) throw new CallFailed('wrong prompt', `${what} → ${driver.heard.join(' | ')}`);
      if (!driver.gather && firstVerb(driver.verbs, 'Redirect')) {
        await sleep(playMs(driver) + this.thinkMs());
        await this.webhook(() => driver.silence());
      } else if (repeat && last === repeat.before) await repeat.again();
      else throw new CallFailed('wrong prompt', `${what} → ${driver.heard.join(' | ')}`);
    }
  }

  /** 0, the wait in the queue, the agent's call, the survey. */
  private async toAgent(driver: TwilioCallDriver): Promise<void> {
    let queuedNow = false;
    let claim: Claimed | undefined;
    this.deps.desk.expect({ callSid: driver.callSid, inQueue: () => queuedNow && claim === undefined, claimed: (given) => (claim = given) });
    await this.webhook(() => driver.press('0'));
    for (let recoveries = 0; !firstVerb(driver.verbs, 'Enqueue'); recoveries++) {
      if (recoveries >= MAX_RECOVERIES || !firstVerb(driver.verbs, 'Redirect')) throw new CallFailed('wrong prompt', `0 → ${driver.heard.join(' | ')}`);
      await sleep(playMs(driver) + this.thinkMs());
      await this.webhook(() => driver.silence());
    }
    const queued = QueuedCallDouble.from(driver, this.deps.post, this.deps.authToken)!;
    queuedNow = true;
    this.deps.desk.enqueued();
    while (!claim) {
      await this.webhook(() => queued.wait());
      if (driver.verbs.some((verb) => verb.verb === 'Hangup')) throw new CallFailed('hung up by the hotline', `waiting: ${driver.heard.join(' | ')}`);
      for (let waited = 0; !claim && waited < this.thinkMs(); waited += 100) await sleep(100);
    }
    const { dial } = claim;
    let connected = false;
    try {
      await this.webhook(() => queued.redirected());
      connected = await this.webhook(() => queued.agentAnswers(dial));
      if (!connected) throw new CallFailed('not connected', `the agent's answer: ${driver.heard.join(' | ')}`);
      // The conversation: three turns' time.
      await sleep(3 * this.thinkMs());
      await this.webhook(() => queued.dialEnds(dial, 'completed', 3 * this.deps.turnSeconds));
    } finally {
      claim.conversationOver(connected);
    }
    if (driver.heard.at(-1) !== this.text('survey.question', 'zh-CN')) {
      const hungUp = driver.verbs.some((verb) => verb.verb === 'Hangup');
      throw new CallFailed(hungUp ? 'hung up by the hotline' : 'wrong prompt', `after the agent: ${driver.heard.join(' | ')}`);
    }
    await this.think();
    await this.webhook(() => driver.press('5'));
    if (driver.heard.at(-1) !== this.text('survey.thanks', 'zh-CN')) throw new CallFailed('wrong prompt', `survey 5 → ${driver.heard.join(' | ')}`);
  }

  /** The status callback; Twilio tries one answered 5xx (or unanswered) again, a few times. */
  private async statusCallback(driver: TwilioCallDriver): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const status = await driver.hangUp(30).catch(() => 0);
      if (status >= 200 && status < 300) return;
      this.deps.stats.statusRetried += 1;
      if (attempt >= STATUS_ATTEMPTS) {
        this.deps.stats.statusRefused += 1;
        return;
      }
      await sleep(this.thinkMs());
    }
  }

  /** A webhook whose failure (no answer, not 200) ends the call as Twilio's "application error" would. */
  private async webhook<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new CallFailed('webhook not 200', (error as Error).message.slice(0, 200));
    }
  }

  private text(key: string, language: Language): string {
    const name = `${language} ${key}`;
    let text = texts.get(name);
    if (text === undefined) {
      text = this.deps.catalogue
        .speak(language, key)
        .map((segment) => segment.text)
        .join('');
      texts.set(name, text);
    }
    return text;
  }

  private thinkMs(): number {
    return (0.5 + Math.random()) * this.deps.turnSeconds * 1000;
  }

  private think(): Promise<void> {
    return sleep(this.thinkMs());
  }
}

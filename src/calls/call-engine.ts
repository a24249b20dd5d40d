import type { Logger } from 'pino';
import type { MenuEvent } from '../../flows/menu-contract';
import type { Language } from '../../flows/vocabulary';
import type { Clock } from '../clock';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import { keyForSpeech } from '../prompts/speech-matcher';
import type { RecordStream } from '../store/record-stream';
import { smsNotice, type SmsSender } from '../sms/sms-gate';
import type { KeyValueStore } from '../store/key-value-store';
import type { SessionStore } from '../store/session-store';
import type { Answer, Speech } from '../twilio/answer';
import { ignoreCallEvents, type CallEvents } from './call-events';
import type { CallIdentity, CallerInput, CallLog } from './call-input';
import type { CallSession } from './call-session';
import type { CallsToday } from './calls-today';
import type { EffectRegistry } from './effects';
import type { HandoffDesk } from './handoff-desk';
import { currentMeta } from './menu-runner';
import { MenuSteps, type Turn } from './menu-steps';
import { restingAnswer } from './resting-prompt';
import { SessionKeeper, type OpenCall } from './session-keeper';
import { TurnClaims, TurnTaken } from './turn-claims';

export interface CallEngineDeps {
  sessions: SessionStore;
  /** Where turns are claimed, so a webhook delivered twice runs its effects once. */
  values: KeyValueStore;
  effects: EffectRegistry;
  desk: HandoffDesk;
  /** Every SMS goes through the gate (src/sms/sms-gate.ts). */
  sms: SmsSender;
  catalogue: PromptCatalogue;
  clock: Clock;
  log: Logger;
  defaultLanguage: Language;
  sessionTtlSeconds: number;
  events?: CallEvents;
  callsToday?: CallsToday;
  /** Where the end of each call is appended for its call record (SPEC §5). */
  records?: RecordStream;
}

/**
 * Runs a call one webhook at a time, top to bottom: load the session (one read), step the menu
 * with the caller's input and any effect results, save with compare-and-set on the revision
 * read (one write), send what waited for the save (SMS), and answer. A webhook that lost the
 * race, or arrived late or twice, changes nothing and gets the current prompt again. A turn
 * with effects claims itself first: a second delivery of the same webhook waits for the first
 * one's answer instead of running them again.
 */
export class CallEngine {
  private readonly events: CallEvents;
  private readonly keeper: SessionKeeper;
  private readonly steps: MenuSteps;
  private readonly claims: TurnClaims;

  constructor(private readonly deps: CallEngineDeps) {
    this.events = deps.events ?? ignoreCallEvents;
    this.keeper = new SessionKeeper(deps);
    this.claims = new TurnClaims(deps.values);
    this.steps = new MenuSteps({ effects: deps.effects, desk: deps.desk, events: this.events, clock: deps.clock, sms: deps.sms });
  }

  /** `POST /voice/incoming`: a new call, or Twilio retrying one we already answered. */
  async answer(call: CallIdentity, log = this.callLog(call)): Promise<Answer> {
    // Counted alongside the read, in the same round trip; a retried webhook counts once.
    const [loaded] = await Promise.all([this.keeper.load(call.callSid), this.countCall(call, log)]);
    if (loaded.kind === 'open') return this.rest(loaded.call);
    if (loaded.kind === 'unreadable') return this.restart(call, loaded.revision, log);
    this.events.callStarted();
    return this.begin(call, 0, [{ key: 'main.welcome' }], log);
  }

  /** A gather's answer (or its silence), for the revision the caller was prompted at. */
  async respond(call: CallIdentity, revision: number, input: CallerInput, log = this.callLog(call)): Promise<Answer> {
    const loaded = await this.keeper.load(call.callSid);
    if (loaded.kind === 'none') return this.restart(call, 0, log);
    if (loaded.kind === 'unreadable') return this.restart(call, loaded.revision, log);
    const { session, snapshot } = loaded.call;
    if (loaded.call.revision !== revision || session.phase !== 'menu') return this.rest(loaded.call);

    const claim = this.claims.claim(call.callSid, revision);
    const turn = MenuSteps.turn(session, snapshot, revision, log, claim);
    try {
      await this.steps.advance(turn, this.toEvent(loaded.call, input));
    } catch (error) {
      if (error instanceof TurnTaken) return this.afterOtherDelivery(loaded.call, log);
      await claim.release();
      throw error;
    }
    return this.commit(turn);
  }

  /** Status callback: the call is over; the session stays for its TTL, for late webhooks. */
  async hangUp(callSid: string): Promise<CallSession | null> {
    const ended = await this.keeper.end(callSid);
    if (ended?.justEnded) this.events.callEnded(ended.session.handoff === undefined);
    return ended?.session ?? null;
  }

  private restart(call: CallIdentity, revision: number, log: CallLog): Promise<Answer> {
    return this.begin(call, revision, [{ key: 'error.restart' }], log);
  }

  /** Starts the call (or restarts it after unreadable data) at the entry menu. */
  private async begin(call: CallIdentity, revision: number, speech: Speech[], log: CallLog): Promise<Answer> {
    const begun = this.keeper.begin(call, revision);
    const turn = MenuSteps.turn(begun.call.session, begun.call.snapshot, revision, log);
    turn.speech.push(...speech);
    await this.steps.started(turn, begun.actions);
    return this.commit(turn);
  }

  /** Saves the turn; on a lost race, the caller gets the winner's current prompt instead. */
  private async commit(turn: Turn): Promise<Answer> {
    const { session, snapshot } = turn;
    const revision = await this.keeper.save({ session, snapshot, revision: turn.readRevision });
    if (revision === null) {
      turn.log.info('webhook lost a race for the call; answering with the current prompt');
      const winner = await this.keeper.load(session.callSid);
      if (winner.kind !== 'open') throw new Error('call session vanished during a turn');
      return this.rest(winner.call);
    }
    await this.sendSms(turn);
    return restingAnswer(session, snapshot, revision, turn.speech);
  }

  private rest(call: OpenCall): Answer {
    return restingAnswer(call.session, call.snapshot, call.revision);
  }

  /** Another delivery of this webhook runs the turn: answer what it leads to, the same prompt. */
  private async afterOtherDelivery(call: OpenCall, log: CallLog): Promise<Answer> {
    log.info('another delivery of this webhook holds the turn; answering with its prompt');
    const newer = await this.keeper.awaitNewer(call.session.callSid, call.revision);
    return this.rest(newer ?? call);
  }

  /**
   * SMS go out only after the turn is saved, so a webhook that lost its race sends nothing; the
   * gate may refuse one (a withheld caller, a landline, a limit), and the caller hears why.
   */
  private async sendSms(turn: Turn): Promise<void> {
    const { session } = turn;
    for (const sms of turn.sms) {
      const message = { callSid: session.callSid, to: session.from, language: session.language, template: sms.template, vars: sms.vars ?? {} };
      turn.speech.push({ key: smsNotice(await this.deps.sms.send(message, turn.log)) });
    }
  }

  /** Speech that matched nothing counts as a wrong key: the caller hears the hint and the menu again. */
  private toEvent(call: OpenCall, input: CallerInput): MenuEvent {
    if (input.kind === 'silence') return { type: 'NO_INPUT' };
    const meta = currentMeta(call.snapshot);
    const menuPrompt = meta && 'prompt' in meta && meta.gather === 'menu' ? meta.prompt : null;
    const digits =
      input.kind === 'digits'
        ? input.digits
        : (keyForSpeech(this.deps.catalogue.speech, call.session.language, menuPrompt ?? '', input.text, input.confidence) ?? '');
    if (menuPrompt && digits.length === 1) this.events.menuChoice(menuPrompt, digits);
    return { type: 'DIGITS', digits };
  }

  /** Counting never stands in the caller's way: a failure is only logged. */
  private async countCall(call: CallIdentity, log: CallLog): Promise<void> {
    try {
      await this.deps.callsToday?.record(call.from, call.callSid, this.deps.clock.now());
    } catch (error) {
      log.warn({ err: error }, 'could not count the call for today');
    }
  }

  /** Used when the caller of the engine has no logger bound to the call already. */
  private callLog(call: CallIdentity): CallLog {
    return this.deps.log.child({ callSid: call.callSid });
  }
}

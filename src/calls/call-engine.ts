import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { ENTRY_MENU, FLOW_VERSION } from '../../flows/call-flow';
import type { Handoff, MenuEvent, MenuExit, MenuId, PromptVars } from '../../flows/menu-contract';
import type { Clock } from '../clock';
import type { Language } from '../config';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import { keyForSpeech } from '../prompts/speech-matcher';
import type { SessionStore } from '../store/session-store';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import { ignoreCallEvents, type CallEvents } from './call-events';
import type { CallsToday } from './calls-today';
import { decodeSession, encodeSession, SESSION_FORMAT, type CallSession } from './call-session';
import { UNAVAILABLE, type EffectRegistry } from './effects';
import type { HandoffDesk } from './handoff-desk';
import {
  currentMeta,
  menuExit,
  persistMenu,
  restoreMenu,
  startMenu,
  stepMenu,
  type MenuAction,
  type MenuSnapshot,
} from './menu-runner';
import type { Speech, Turn, TurnNext } from './turn';

export interface CallEngineDeps {
  sessions: SessionStore;
  effects: EffectRegistry;
  desk: HandoffDesk;
  twilio: TwilioGateway;
  catalogue: PromptCatalogue;
  clock: Clock;
  log: Logger;
  defaultLanguage: Language;
  sessionTtlSeconds: number;
  events?: CallEvents;
  callsToday?: CallsToday;
}

/** Who is calling, as every Twilio webhook tells us. */
export interface CallIdentity {
  callSid: string;
  from: string;
  to: string;
  stirVerstat?: string;
}

/** A logger bound to one call (its lines carry the CallSid): the request's own, in webhooks. */
export type CallLog = FastifyBaseLogger;

export type CallerInput =
  | { kind: 'digits'; digits: string }
  | { kind: 'speech'; text: string; confidence: number }
  | { kind: 'silence' };

/** A runaway chain of effect results must not spin a webhook forever. */
const MAX_STEPS_PER_TURN = 12;

/** The state of one webhook's work on a call, built up and then saved in one write. */
interface Work {
  session: CallSession;
  snapshot: MenuSnapshot;
  speech: Speech[];
  sms: Array<{ template: string; vars?: PromptVars }>;
  next?: TurnNext;
  readRevision: number;
  log: CallLog;
}

/**
 * Runs a call one webhook at a time: read the session (one round trip), step the menu machine
 * with the caller's input and any effect results, write with compare-and-set (one round trip),
 * and describe what the caller hears next. A webhook that lost the race, or arrived late or
 * twice, changes nothing and gets the current prompt again.
 */
export class CallEngine {
  private readonly events: CallEvents;

  constructor(private readonly deps: CallEngineDeps) {
    this.events = deps.events ?? ignoreCallEvents;
  }

  /** `POST /voice/incoming`: a new call, or Twilio retrying one we already answered. */
  async answer(call: CallIdentity, log = this.callLog(call)): Promise<Turn> {
    // Counted alongside the read, in the same round trip; a retried webhook counts once.
    const [stored] = await Promise.all([this.deps.sessions.load(call.callSid), this.countCall(call, log)]);
    if (stored) return this.resume(call, stored.revision, stored.data, log);
    this.events.callStarted();
    return this.begin(call, 0, [{ key: 'main.welcome' }], log);
  }

  /** A gather's answer (or its silence), for the revision the caller was prompted at. */
  async respond(call: CallIdentity, revision: number, input: CallerInput, log = this.callLog(call)): Promise<Turn> {
    const stored = await this.deps.sessions.load(call.callSid);
    if (!stored) return this.begin(call, 0, [{ key: 'error.restart' }], log);
    const opened = this.open(stored.data);
    if (!opened) return this.begin(call, stored.revision, [{ key: 'error.restart' }], log);
    const { session, snapshot } = opened;
    if (stored.revision !== revision || session.phase !== 'menu') return this.current(session, snapshot, stored.revision);

    const work = this.workOn(session, snapshot, stored.revision, log);
    await this.advance(work, this.toEvent(session, snapshot, input));
    return this.commit(work);
  }

  /** Status callback: the call is over; keep the session only as long as its TTL for late webhooks. */
  async hangUp(callSid: string): Promise<CallSession | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await this.deps.sessions.load(callSid);
      const session = stored && decodeSession(stored.data);
      if (!stored || !session || session.phase === 'ended') return session ?? null;
      const ended: CallSession = { ...session, phase: 'ended' };
      if (await this.deps.sessions.save(callSid, encodeSession(ended), stored.revision, this.deps.sessionTtlSeconds)) {
        this.events.callEnded(session.handoff === undefined);
        return session;
      }
    }
    return null;
  }

  private async resume(call: CallIdentity, revision: number, data: string, log: CallLog): Promise<Turn> {
    const opened = this.open(data);
    if (!opened) return this.begin(call, revision, [{ key: 'error.restart' }], log);
    return this.current(opened.session, opened.snapshot, revision);
  }

  /** The stored call with its menu restored; null when it no longer fits (the caller restarts). */
  private open(data: string): { session: CallSession; snapshot: MenuSnapshot } | null {
    const session = decodeSession(data);
    const snapshot = session && this.restore(session);
    return session && snapshot ? { session, snapshot } : null;
  }

  /** Starts the call (or restarts it after a broken snapshot) at the main menu. */
  private async begin(call: CallIdentity, expectedRevision: number, speech: Speech[], log: CallLog): Promise<Turn> {
    const session: CallSession = {
      format: SESSION_FORMAT,
      flowVersion: FLOW_VERSION,
      callSid: call.callSid,
      from: call.from,
      to: call.to,
      language: this.deps.defaultLanguage,
      ...(call.stirVerstat ? { stirVerstat: call.stirVerstat } : {}),
      facts: { identityLevel: 0 },
      menu: ENTRY_MENU,
      stack: [],
      snapshot: { value: null, context: null },
      phase: 'menu',
      startedAt: this.deps.clock.now(),
    };
    const { snapshot } = startMenu(ENTRY_MENU, session.facts);
    const work = this.workOn(session, snapshot, expectedRevision, log);
    work.speech.push(...speech);
    return this.commit(work);
  }

  private restore(session: CallSession): MenuSnapshot | null {
    if (session.flowVersion !== FLOW_VERSION) return null;
    try {
      return restoreMenu(session.menu, session.snapshot);
    } catch {
      return null;
    }
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

  private workOn(session: CallSession, snapshot: MenuSnapshot, readRevision: number, log: CallLog): Work {
    // The turn edits its own copy; facts and stack are the only nested parts it changes.
    const copy: CallSession = { ...session, facts: { ...session.facts }, stack: [...session.stack] };
    return { session: copy, snapshot, speech: [], sms: [], readRevision, log };
  }

  private toEvent(session: CallSession, snapshot: MenuSnapshot, input: CallerInput): MenuEvent {
    if (input.kind === 'silence') return { type: 'NO_INPUT' };
    const meta = currentMeta(snapshot);
    const menuPrompt = meta && 'prompt' in meta && meta.gather === 'menu' ? meta.prompt : null;
    // Speech that matched nothing counts as a wrong key: the caller hears the hint and the menu again.
    const digits =
      input.kind === 'digits'
        ? input.digits
        : (keyForSpeech(this.deps.catalogue.speech, session.language, menuPrompt ?? '', input.text, input.confidence) ?? '');
    if (menuPrompt && digits.length === 1) this.events.menuChoice(menuPrompt, digits);
    return { type: 'DIGITS', digits };
  }

  private async advance(work: Work, first: MenuEvent): Promise<void> {
    const pending: MenuEvent[] = [first];
    for (let steps = 0; pending.length > 0; steps++) {
      if (steps >= MAX_STEPS_PER_TURN) throw new Error(`menu ${work.session.menu} did not settle`);
      const event = pending.shift()!;
      const { snapshot, actions } = stepMenu(work.session.menu, work.snapshot, event);
      work.snapshot = snapshot;
      work.session.facts = { ...snapshot.context.facts };
      await this.perform(work, actions, pending);
      const exit = menuExit(snapshot);
      if (exit) await this.follow(work, exit, pending);
    }
  }

  private async perform(work: Work, actions: MenuAction[], pending: MenuEvent[]): Promise<void> {
    for (const action of actions) {
      switch (action.type) {
        case 'say':
          work.speech.push(action.params as Speech);
          break;
        case 'sendSms':
          work.sms.push(action.params as { template: string; vars?: PromptVars });
          break;
        case 'toggleLanguage':
          work.session.language = work.session.language === 'zh-CN' ? 'en-US' : 'zh-CN';
          break;
        case 'request': {
          const { effect, args = {} } = action.params as { effect: string; args?: Record<string, string> };
          pending.push({ type: 'RESULT', effect, ...(await this.runEffect(work, effect, args)) });
          break;
        }
        default:
          work.log.warn({ action: action.type }, 'menu asked for an action the engine does not know');
      }
    }
  }

  private async runEffect(work: Work, effect: string, args: Record<string, string>) {
    const handler = this.deps.effects[effect];
    if (!handler) {
      work.log.error({ effect }, 'menu requested an unknown effect');
      return UNAVAILABLE;
    }
    try {
      const result = await handler(args, { session: work.session, revision: work.readRevision, log: work.log });
      this.events.effectResult(effect, result.outcome);
      return result;
    } catch (error) {
      work.log.error({ effect, err: error }, 'effect failed');
      this.events.effectResult(effect, UNAVAILABLE.outcome);
      return UNAVAILABLE;
    }
  }

  private async follow(work: Work, exit: MenuExit, pending: MenuEvent[]): Promise<void> {
    const { session } = work;
    if (exit.kind === 'menu') {
      session.stack.push(session.menu);
      return this.enter(work, exit.menu, pending);
    }
    if (exit.kind === 'back') return this.enter(work, session.stack.pop() ?? ENTRY_MENU, pending);
    return this.handOff(work, exit.handoff, pending);
  }

  private async handOff(work: Work, asked: Handoff, pending: MenuEvent[]): Promise<void> {
    const { session } = work;
    const handoff = this.inDeskMenu(session) ? { ...session.handoff!, reason: asked.reason } : asked;
    session.facts = { ...session.facts, intent: handoff.intent };
    session.handoff = handoff;
    this.events.handedOff(handoff);
    const outcome = await this.deps.desk.handOff(session, handoff);
    work.speech.push(...outcome.speech);
    if (outcome.kind === 'transferred') {
      session.phase = 'handoff';
      work.next = outcome.next;
      return;
    }
    session.stack = [];
    return this.enter(work, outcome.kind === 'menu' ? outcome.menu : ENTRY_MENU, pending);
  }

  /**
   * The caller is in a menu the desk sent them to (after hours): a hand-off from there is still
   * about what they first asked for. Only the desk enters a menu with an empty stack other than
   * the main menu.
   */
  private inDeskMenu(session: CallSession): boolean {
    return session.handoff !== undefined && session.stack.length === 0 && session.menu !== ENTRY_MENU;
  }

  private async enter(work: Work, menu: MenuId, pending: MenuEvent[]): Promise<void> {
    work.session.menu = menu;
    const { snapshot, actions } = startMenu(menu, work.session.facts);
    work.snapshot = snapshot;
    await this.perform(work, actions, pending);
  }

  /** Writes the turn; on a lost race, the caller gets the winner's current prompt instead. */
  private async commit(work: Work): Promise<Turn> {
    const { session } = work;
    session.snapshot = persistMenu(work.snapshot);
    const saved = await this.deps.sessions.save(
      session.callSid,
      encodeSession(session),
      work.readRevision,
      this.deps.sessionTtlSeconds,
    );
    if (!saved) {
      work.log.info('webhook lost a race for the call; answering with the current prompt');
      const stored = await this.deps.sessions.load(session.callSid);
      const winner = stored && this.open(stored.data);
      if (!stored || !winner) throw new Error('call session vanished during a turn');
      return this.current(winner.session, winner.snapshot, stored.revision);
    }
    await this.sendSms(work);
    const revision = work.readRevision + 1;
    if (work.next) return { language: session.language, speech: work.speech, next: work.next };
    return this.current(session, work.snapshot, revision, work.speech);
  }

  /** SMS go out only after the turn is saved, so a webhook that lost its race sends nothing. */
  private async sendSms(work: Work): Promise<void> {
    const { session } = work;
    for (const sms of work.sms) {
      const body = this.deps.catalogue.render(session.language, sms.template, sms.vars);
      try {
        await this.deps.twilio.sendSms({ to: session.from, body, callSid: session.callSid });
        work.speech.push({ key: 'sms.sent' });
      } catch (error) {
        work.log.error({ err: error }, 'SMS could not be sent');
        work.speech.push({ key: 'sms.failed' });
      }
    }
  }

  /** The prompt of the state the call rests in, after any notices. */
  private async current(session: CallSession, snapshot: MenuSnapshot, revision: number, speech: Speech[] = []): Promise<Turn> {
    if (session.phase === 'handoff' && session.handoff) return this.rejoinHandoff(session, session.handoff, speech);
    const meta = currentMeta(snapshot);
    if (!meta || !('prompt' in meta)) throw new Error(`call rests in ${JSON.stringify(snapshot.value)} without a prompt`);
    return {
      language: session.language,
      speech: [...speech, { key: meta.prompt, vars: snapshot.context.vars }],
      next: { kind: 'gather', gather: meta.gather, promptKey: meta.prompt, revision },
    };
  }

  /** A late webhook for a caller already handed off: the desk's hand-off is idempotent per call. */
  private async rejoinHandoff(session: CallSession, handoff: Handoff, speech: Speech[]): Promise<Turn> {
    const outcome = await this.deps.desk.handOff(session, handoff);
    if (outcome.kind === 'transferred') return { language: session.language, speech, next: outcome.next };
    return { language: session.language, speech: [...speech, ...outcome.speech], next: { kind: 'hangup' } };
  }
}

import { ENTRY_MENU } from '../../flows/call-flow';
import type { EffectName } from '../../flows/effect-contract';
import type { Handoff, MenuEvent, MenuExit, MenuId, ResultEvent } from '../../flows/menu-contract';
import type { PromptVars } from '../../flows/vocabulary';
import type { Clock } from '../clock';
import type { SmsSender } from '../sms/sms-gate';
import type { Speech } from '../twilio/answer';
import type { CallEvents } from './call-events';
import type { CallLog } from './call-input';
import type { CallSession } from './call-session';
import { served, walked } from './call-trail';
import { UNAVAILABLE, type EffectRegistry, type EffectResult } from './effects';
import type { HandoffDesk } from './handoff-desk';
import { currentMeta, menuExit, startMenu, stepMenu, type MenuAction, type MenuSnapshot } from './menu-runner';
import type { TurnClaim } from './turn-claims';

/** A runaway chain of effect results must not spin a webhook forever. */
const MAX_STEPS_PER_TURN = 12;

/** One webhook's work on a call, built up here and then saved in one write. */
export interface Turn {
  session: CallSession;
  snapshot: MenuSnapshot;
  /** The revision the webhook read: what the write compares against, and the effects' idempotency key. */
  readRevision: number;
  speech: Speech[];
  sms: Array<{ template: string; vars?: PromptVars }>;
  log: CallLog;
  /** Taken before the turn's first effect, so another delivery of the same webhook cannot run them too. */
  claim?: TurnClaim;
}

export interface MenuStepsDeps {
  effects: EffectRegistry;
  desk: HandoffDesk;
  events: CallEvents;
  clock: Clock;
  /** Which callers can be texted at all, so the call's record names only SMS that go out. */
  sms: Pick<SmsSender, 'canText'>;
}

/**
 * The menu step loop: apply an event to the current machine, perform the actions it returns
 * (speech, SMS to send after the save, effects whose results are fed back as RESULT events),
 * and follow its exit into the next menu, back, or to the human hand-off.
 */
export class MenuSteps {
  constructor(private readonly deps: MenuStepsDeps) {}

  /** Starts `turn` on its own copy of the session: the turn edits facts and stack. */
  static turn(session: CallSession, snapshot: MenuSnapshot, readRevision: number, log: CallLog, claim?: TurnClaim): Turn {
    const copy: CallSession = { ...session, facts: { ...session.facts }, stack: [...session.stack] };
    return { session: copy, snapshot, readRevision, speech: [], sms: [], log, ...(claim ? { claim } : {}) };
  }

  async advance(turn: Turn, first: MenuEvent): Promise<void> {
    const pending: MenuEvent[] = [first];
    for (let steps = 0; pending.length > 0; steps++) {
      if (steps >= MAX_STEPS_PER_TURN) throw new Error(`menu ${turn.session.menu} did not settle`);
      const { snapshot, actions } = stepMenu(turn.session.menu, turn.snapshot, pending.shift()!);
      turn.snapshot = snapshot;
      turn.session.facts = { ...snapshot.context.facts };
      noteWhere(turn);
      await this.perform(turn, actions, pending);
      const exit = menuExit(snapshot);
      if (exit) await this.follow(turn, exit, pending);
    }
  }

  /** Performs the entry actions of a menu just started (the call's first, or a restart). */
  async started(turn: Turn, actions: MenuAction[]): Promise<void> {
    const pending: MenuEvent[] = [];
    noteWhere(turn);
    await this.perform(turn, actions, pending);
    if (pending.length > 0) await this.advance(turn, pending.shift()!);
  }

  private async perform(turn: Turn, actions: MenuAction[], pending: MenuEvent[]): Promise<void> {
    for (const action of actions) {
      switch (action.type) {
        case 'say':
          turn.speech.push(action.params as Speech);
          break;
        case 'sendSms': {
          const sms = action.params as { template: string; vars?: PromptVars };
          turn.sms.push(sms);
          // Sent after the save (call-engine.ts), to the caller ID only if it can take an SMS at all;
          // a quota refusing it then (SPEC §3 limits) is not foreseen here.
          if (this.deps.sms.canText(turn.session.from)) served(turn.session, { kind: 'smsSent', detail: sms.template.replace(/^sms\./, '') }, this.deps.clock.now());
          break;
        }
        case 'toggleLanguage':
          turn.session.language = turn.session.language === 'zh-CN' ? 'en-US' : 'zh-CN';
          break;
        case 'request': {
          const { effect, args = {} } = action.params as { effect: EffectName; args?: Record<string, string> };
          await turn.claim?.take();
          pending.push({ type: 'RESULT', effect, ...(await this.runEffect(turn, effect, args)) } as ResultEvent);
          break;
        }
        default:
          turn.log.warn({ action: action.type }, 'menu asked for an action the engine does not know');
      }
    }
  }

  private async runEffect(turn: Turn, effect: EffectName, args: Record<string, string>): Promise<EffectResult> {
    const handler = this.deps.effects[effect] as ((...a: Parameters<EffectRegistry[EffectName]>) => Promise<EffectResult>) | undefined;
    if (!handler) {
      turn.log.error({ effect }, 'menu requested an effect nobody handles');
      return UNAVAILABLE;
    }
    try {
      const result = await handler(args, { session: turn.session, revision: turn.readRevision, log: turn.log });
      this.deps.events.effectResult(effect, result.outcome);
      if (result.selfService) served(turn.session, result.selfService, this.deps.clock.now());
      return result;
    } catch (error) {
      turn.log.error({ effect, err: error }, 'effect failed');
      this.deps.events.effectResult(effect, UNAVAILABLE.outcome);
      return UNAVAILABLE;
    }
  }

  private async follow(turn: Turn, exit: MenuExit, pending: MenuEvent[]): Promise<void> {
    const { session } = turn;
    if (exit.kind === 'menu') {
      session.stack.push(session.menu);
      return this.enter(turn, exit.menu, pending);
    }
    if (exit.kind === 'back') return this.enter(turn, session.stack.pop() ?? ENTRY_MENU, pending);
    return this.handOff(turn, exit.handoff, pending);
  }

  private async handOff(turn: Turn, asked: Handoff, pending: MenuEvent[]): Promise<void> {
    const { session } = turn;
    const handoff = inDeskMenu(session) ? { ...session.handoff!, reason: asked.reason } : asked;
    session.facts = { ...session.facts, intent: handoff.intent };
    session.handoff = handoff;
    walked(session, handoff.intent);
    this.deps.events.handedOff(handoff);
    const outcome = await this.deps.desk.handOff(session, handoff);
    turn.speech.push(...outcome.speech);
    if (outcome.kind === 'transferred') {
      session.phase = 'handoff';
      session.placement = outcome.placement;
      return;
    }
    session.stack = [];
    return this.enter(turn, outcome.kind === 'menu' ? outcome.menu : ENTRY_MENU, pending);
  }

  private async enter(turn: Turn, menu: MenuId, pending: MenuEvent[]): Promise<void> {
    turn.session.menu = menu;
    const { snapshot, actions } = startMenu(menu, turn.session.facts);
    turn.snapshot = snapshot;
    noteWhere(turn);
    await this.perform(turn, actions, pending);
  }
}

/** A state the caller rests in (a menu, an entry of digits) is a step of their journey. */
function noteWhere(turn: Turn): void {
  const meta = currentMeta(turn.snapshot);
  if (meta && 'intent' in meta) walked(turn.session, meta.intent);
}

/**
 * The caller is in a menu the desk sent them to (after hours): a hand-off from there is still
 * about what they first asked for. Only the desk enters a menu with an empty stack other than
 * the main menu.
 */
function inDeskMenu(session: CallSession): boolean {
  return session.handoff !== undefined && session.stack.length === 0 && session.menu !== ENTRY_MENU;
}

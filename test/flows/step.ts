import type { EffectName } from '../../flows/effect-contract';
import { initialTransition, transition } from 'xstate';
import type { mainMenu } from '../../flows/main-menu';
import type { AwaitMeta, CallFacts, Handoff, MenuContext, MenuEvent, MenuExit, PromptVars, StateMeta } from '../../flows/menu-contract';

/**
 * Steps a menu machine with xstate's pure `initialTransition` / `transition`, as the engine does
 * (src/calls/menu-runner.ts), and keeps only what the engine sees: the actions as `{ type, params }`,
 * the prompt or awaited effect of the state the machine rests in, and its exit.
 */
type AnyMenu = typeof mainMenu;
type Snapshot = ReturnType<AnyMenu['resolveState']>;

export interface EmittedAction {
  type: string;
  params?: unknown;
}

/** xstate executes assign actions itself; should a refactoring ever hand them out, they are no behaviour. */
const INTERNAL = new Set(['resetStrikes', 'strike', 'learn', 'setExit', 'setIntent', 'xstate.assign']);

function plain(actions: unknown[]): EmittedAction[] {
  return (actions as Array<{ type: string; params?: unknown }>)
    .filter((action) => !INTERNAL.has(action.type))
    .map((action) => (action.params === undefined ? { type: action.type } : { type: action.type, params: action.params }));
}

export const press = (digits: string): MenuEvent => ({ type: 'DIGITS', digits });
export const silence: MenuEvent = { type: 'NO_INPUT' };
/** An effect's answer; outcomes outside the contract are allowed on purpose, to test the fallbacks. */
export const result = (effect: EffectName, outcome: string, extra: { facts?: Partial<CallFacts>; vars?: PromptVars } = {}): MenuEvent =>
  ({ type: 'RESULT', effect, outcome, ...extra }) as MenuEvent;

/** Action builders, to compare with what a step emitted. */
export const sayAction = (key: string, vars?: PromptVars): EmittedAction => ({ type: 'say', params: vars ? { key, vars } : { key } });
export const requestAction = (effect: string, args?: Record<string, string>): EmittedAction => ({
  type: 'request',
  params: args ? { effect, args } : { effect },
});
export const smsAction = (template: string, vars?: PromptVars): EmittedAction => ({ type: 'sendSms', params: vars ? { template, vars } : { template } });
export const agentExit = (handoff: Handoff): MenuExit => ({ kind: 'agent', handoff });

export class MenuWalk {
  snapshot: Snapshot;
  /** What the last step (or the start) asked the engine to do. */
  actions: EmittedAction[];
  /** Every action since the start, in order. */
  readonly history: EmittedAction[] = [];

  constructor(
    private readonly machine: AnyMenu,
    facts: CallFacts = { identityLevel: 0 },
  ) {
    const [snapshot, actions] = initialTransition(machine, { facts });
    this.snapshot = snapshot;
    this.actions = plain(actions);
    this.history.push(...this.actions);
  }

  send(event: MenuEvent): EmittedAction[] {
    if (this.done) throw new Error(`the menu already ended with ${JSON.stringify(this.exit)}`);
    const [snapshot, actions] = transition(this.machine, this.snapshot, event);
    this.snapshot = snapshot;
    this.actions = plain(actions);
    this.history.push(...this.actions);
    return this.actions;
  }

  press(digits: string): EmittedAction[] {
    return this.send(press(digits));
  }

  silence(): EmittedAction[] {
    return this.send(silence);
  }

  answer(effect: EffectName, outcome: string, extra: { facts?: Partial<CallFacts>; vars?: PromptVars } = {}): EmittedAction[] {
    return this.send(result(effect, outcome, extra));
  }

  get done(): boolean {
    return this.snapshot.status === 'done';
  }

  get exit(): MenuExit | null {
    return this.snapshot.status === 'done' ? ((this.snapshot.output as MenuExit | null) ?? null) : null;
  }

  get context(): MenuContext {
    return this.snapshot.context as MenuContext;
  }

  /** The meta of the state the machine rests in (as src/calls/menu-runner.ts `currentMeta`). */
  get meta(): (StateMeta & { awaits?: undefined }) | (AwaitMeta & { prompt?: undefined; gather?: undefined; options?: undefined }) | undefined {
    const metas = Object.values(this.snapshot.getMeta()) as Array<StateMeta | AwaitMeta | undefined>;
    return metas.filter((meta) => meta && ('prompt' in meta || 'awaits' in meta)).at(-1) as never;
  }

  /** The prompt the caller hears in this state (undefined while an effect is awaited or after the exit). */
  get prompt(): string | undefined {
    return this.meta?.prompt;
  }

  get awaits(): string | undefined {
    return this.meta?.awaits;
  }

  /** What the engine stores between webhooks: must never hold a secret. */
  get persisted(): string {
    return JSON.stringify(this.machine.getPersistedSnapshot(this.snapshot));
  }

  /** Sends events until the machine ends (or `limit` steps), for strike-out checks. */
  repeat(event: MenuEvent, times: number): EmittedAction[][] {
    const all: EmittedAction[][] = [];
    for (let i = 0; i < times && !this.done; i++) all.push(this.send(event));
    return all;
  }
}

export function walk(machine: unknown, facts?: CallFacts): MenuWalk {
  return new MenuWalk(machine as AnyMenu, facts);
}

/** The keys a caller could press in a one-key menu that choose nothing there. */
export function wrongKeyFor(options: readonly string[] = []): string {
  const key = ['7', '8', '6', '5', '4', '3', '2', '1', '9'].find((candidate) => !options.includes(candidate));
  if (!key) throw new Error('every key is an option');
  return key;
}

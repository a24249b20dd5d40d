import { initialTransition, transition } from 'xstate';
import { z } from 'zod';
import { menus } from '../../flows/call-flow';
import type { AwaitMeta, CallFacts, MenuEvent, MenuExit, MenuId, StateMeta } from '../../flows/menu-contract';
import { promptVarsSchema } from '../../flows/vocabulary';

type AnyMenu = (typeof menus)['main'];
export type MenuSnapshot = ReturnType<AnyMenu['resolveState']>;
/** An action a machine asked for, as data. */
export interface MenuAction {
  type: string;
  params?: unknown;
}

/**
 * The thin, pure layer between the engine and xstate: start a menu, restore it from storage,
 * apply one event. Nothing here touches I/O.
 */
function machine(menu: MenuId): AnyMenu {
  return menus[menu] as unknown as AnyMenu;
}

export function startMenu(menu: MenuId, facts: CallFacts): { snapshot: MenuSnapshot; actions: MenuAction[] } {
  const [snapshot, actions] = initialTransition(machine(menu), { facts });
  return { snapshot, actions: actions as MenuAction[] };
}

/**
 * What a stored menu context must look like. xstate's resolveState takes any context as it is
 * (even `null`, which becomes `{}`), and a context without `strikes` would never strike out.
 * The facts are not stored with it: they are the session's.
 */
const storedContext = z.strictObject({
  strikes: z.number().int().min(0),
  vars: promptVarsSchema,
  exit: z.null(),
});
/** A menu the call has left (handed to an agent): its final state keeps the exit, and late webhooks are answered from the session. */
const leftContext = storedContext.extend({ exit: z.record(z.string(), z.unknown()) });
const storedValue = z.union([z.string(), z.record(z.string(), z.unknown())]);

export interface StoredMenu {
  value: unknown;
  context: unknown;
}

/**
 * The machine in the state it was stored in, with the call's facts; throws when the stored
 * snapshot no longer fits the machine (a state that was renamed, say).
 */
export function restoreMenu(menu: MenuId, stored: StoredMenu, facts: CallFacts): MenuSnapshot {
  if (!storedValue.safeParse(stored.value).success) throw new Error(`stored state of ${menu} is not a state value`);
  const left = stored.value === 'exit';
  const context = (left ? leftContext : storedContext).safeParse(stored.context);
  if (!context.success) throw new Error(`stored context of ${menu} has the wrong shape`);
  const resolved = { value: stored.value, context: { ...context.data, facts } };
  const snapshot = machine(menu).resolveState(resolved as Parameters<AnyMenu['resolveState']>[0]);
  if (!left && !currentMeta(snapshot)) throw new Error(`stored state of ${menu} has no prompt`);
  return snapshot;
}

export function stepMenu(menu: MenuId, snapshot: MenuSnapshot, event: MenuEvent): { snapshot: MenuSnapshot; actions: MenuAction[] } {
  const [next, actions] = transition(machine(menu), snapshot, event);
  return { snapshot: next, actions: actions as MenuAction[] };
}

/** The snapshot as stored: its state and context, without the facts (the session keeps them). */
export function persistMenu(snapshot: MenuSnapshot): StoredMenu {
  const { facts: _facts, ...context } = snapshot.context;
  return { value: snapshot.value, context };
}

export function menuExit(snapshot: MenuSnapshot): MenuExit | null {
  return snapshot.status === 'done' ? (snapshot.output ?? null) : null;
}

/** The prompt and input of the state the caller is in, or what it awaits. */
export function currentMeta(snapshot: MenuSnapshot): StateMeta | AwaitMeta | undefined {
  const metas = Object.values(snapshot.getMeta()) as Array<StateMeta | AwaitMeta | undefined>;
  return metas.filter((meta) => meta && ('prompt' in meta || 'awaits' in meta)).at(-1);
}

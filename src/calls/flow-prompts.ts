import { menus } from '../../flows/call-flow';
import { MENU_IDS, type MenuId } from '../../flows/menu-ids';
import { PromptCatalogueError, type PromptCatalogue } from '../prompts/prompt-catalogue';

/** What an action's params may be: fixed, or computed from the event (see flows/menu-options.ts). */
type ParamsOf = unknown;
type ActionLike = { type?: string; params?: ParamsOf };

interface StateNodeLike {
  meta?: unknown;
  entry: ActionLike[];
  transitions: Map<string, Array<{ actions: ActionLike[] }>>;
  always?: Array<{ actions: ActionLike[] }>;
  states: Record<string, StateNodeLike>;
}

/** A RESULT with nothing in it: enough to ask a computed params function which key it names. */
const PROBE = { context: { facts: { identityLevel: 0 }, strikes: 0, vars: {}, exit: null }, event: { type: 'RESULT', vars: {} } };

/**
 * Every state of a menu machine with the actions it can run (entry, transitions, eventless),
 * their params resolved (computed ones asked with an empty RESULT). Read from the machine's own
 * definition, so a menu added in flows/ is covered without being listed anywhere.
 */
export function visitMenu(menu: MenuId, visit: (meta: unknown, actions: Array<{ type?: string; params: unknown }>) => void): void {
  const walk = (node: StateNodeLike) => {
    const actions = [...node.entry, ...[...node.transitions.values(), node.always ?? []].flat().flatMap((t) => t.actions)];
    visit(
      node.meta,
      actions.map((action) => ({ type: action.type, params: typeof action.params === 'function' ? action.params(PROBE) : action.params })),
    );
    Object.values(node.states).forEach(walk);
  };
  walk((menus[menu] as unknown as { root: StateNodeLike }).root);
}

/** Every catalogue key a menu machine can speak or text: its states' prompts, the notices it says and the SMS templates it sends. */
export function promptKeysOf(menu: MenuId): string[] {
  const keys = new Set<string>();
  visitMenu(menu, (meta, actions) => {
    const prompt = (meta as { prompt?: string } | undefined)?.prompt;
    if (prompt) keys.add(prompt);
    for (const action of actions) {
      if (action.type !== 'say' && action.type !== 'sendSms') continue;
      const params = action.params as { key?: string; template?: string };
      const key = params.key ?? params.template;
      if (key) keys.add(key);
    }
  });
  return [...keys].sort();
}

/** Refuses a flow whose menus speak keys the catalogue lacks, naming each menu and key. */
export function checkFlowPrompts(catalogue: PromptCatalogue): void {
  const problems = MENU_IDS.flatMap((menu) => {
    const missing = catalogue.missing(promptKeysOf(menu));
    return missing.length > 0 ? [`menu ${menu} speaks prompts missing from the catalogue: ${missing.join(', ')}`] : [];
  });
  if (problems.length > 0) throw new PromptCatalogueError(problems.join('; '));
}

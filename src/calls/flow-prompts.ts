import { menus } from '../../flows/call-flow';
import { MENU_IDS, type MenuId } from '../../flows/menu-ids';
import { PromptCatalogueError, type PromptCatalogue } from '../prompts/prompt-catalogue';

/** What an action's params may be: fixed, or computed from the event (see flows/menu-options.ts). */
type ParamsOf = unknown;

interface StateNodeLike {
  meta?: unknown;
  entry: Array<{ type?: string; params?: ParamsOf }>;
  transitions: Map<string, Array<{ actions: Array<{ type?: string; params?: ParamsOf }> }>>;
  always?: Array<{ actions: Array<{ type?: string; params?: ParamsOf }> }>;
  states: Record<string, StateNodeLike>;
}

/** A RESULT with nothing in it: enough to ask a computed params function which key it names. */
const PROBE = { context: { facts: { identityLevel: 0 }, strikes: 0, vars: {}, exit: null }, event: { type: 'RESULT', vars: {} } };

/**
 * Every catalogue key a menu machine can speak or text: its states' prompts, the notices it
 * says and the SMS templates it sends. Read from the machine's own definition, so a menu added
 * in flows/ is covered without being listed anywhere.
 */
export function promptKeysOf(menu: MenuId): string[] {
  const keys = new Set<string>();
  const visit = (node: StateNodeLike) => {
    const meta = node.meta as { prompt?: string } | undefined;
    if (meta?.prompt) keys.add(meta.prompt);
    const actions = [...node.entry, ...[...node.transitions.values(), node.always ?? []].flat().flatMap((t) => t.actions)];
    for (const action of actions) {
      if (action.type !== 'say' && action.type !== 'sendSms') continue;
      const params = (typeof action.params === 'function' ? action.params(PROBE) : action.params) as { key?: string; template?: string };
      const key = params.key ?? params.template;
      if (key) keys.add(key);
    }
    Object.values(node.states).forEach(visit);
  };
  visit((menus[menu] as unknown as { root: StateNodeLike }).root);
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

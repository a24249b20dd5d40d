import { MENU_IDS, type MenuId } from '../../flows/menu-ids';
import { SELF_SERVICE_KINDS } from '../../flows/vocabulary';
import { labelKeys } from '../prompts/agent-labels';
import { PromptCatalogueError, type PromptCatalogue } from '../prompts/prompt-catalogue';
import { promptKeysOf, visitMenu } from './flow-prompts';

/**
 * Every menu path a menu can put on a caller's journey or hand to an agent as the intent: the
 * menu itself, the paths of its states, and the intents it sets or hands off with.
 */
export function menuPathsOf(menu: MenuId): string[] {
  const paths = new Set<string>([menu]);
  visitMenu(menu, (meta, actions) => {
    const intent = (meta as { intent?: string } | undefined)?.intent;
    if (intent) paths.add(intent);
    for (const { type, params } of actions) {
      if (type === 'setIntent') paths.add((params as { intent: string }).intent);
      const exit = type === 'setExit' ? (params as { exit: { kind: string; handoff?: { intent: string } } }).exit : undefined;
      if (exit?.handoff) paths.add(exit.handoff.intent);
    }
  });
  return [...paths].sort();
}

/** Every agent-facing label the flows need: each menu path, each self-service kind, each SMS a menu sends. */
export function agentLabelKeys(): string[] {
  const paths = MENU_IDS.flatMap(menuPathsOf).map(labelKeys.path);
  const kinds = SELF_SERVICE_KINDS.map(labelKeys.selfService);
  const sms = MENU_IDS.flatMap(promptKeysOf)
    .filter((key) => key.startsWith('sms.'))
    .map((key) => labelKeys.sms(key.slice('sms.'.length)));
  return [...new Set([...paths, ...kinds, ...sms])].sort();
}

/** Refuses catalogues that lack an agent-facing label in either language, naming every missing key. */
export function checkAgentLabels(catalogue: PromptCatalogue): void {
  const missing = catalogue.missing(agentLabelKeys());
  if (missing.length > 0) throw new PromptCatalogueError(`agent labels missing from the catalogue: ${missing.join(', ')}`);
}

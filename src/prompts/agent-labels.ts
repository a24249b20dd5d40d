import type { Journey, Language, SelfServiceEntry } from '../../flows/vocabulary';
import type { PromptCatalogue } from './prompt-catalogue';

/**
 * The catalogue keys of the agent-facing labels (`prompts/<language>/labels.json`): a menu path
 * (`transaction.failed` → 交易失败 / Failed transaction), a self-service line, and the SMS a
 * caller was sent. The start check (calls/flow-labels.ts) makes sure each exists in both languages.
 */
export const labelKeys = {
  path: (path: string) => `label.path.${path}`,
  selfService: (kind: string) => `label.selfService.${kind}`,
  /** `detail` of an `smsSent` entry: the template without its `sms.` prefix. */
  sms: (detail: string) => `label.sms.${detail}`,
};

/** What a failed transaction's `detail` (its reason) reads as: the caller's own prompt. */
const reasonKey = (detail: string) => `transaction.reason.${detail}`;

/** A self-service entry with its line in the agent's language. */
export type SelfServiceLine = SelfServiceEntry & { text: string };

/** What the IVR knew and did, as an agent reads it (SPEC §5 `intentLabel`, `journey`, `selfService`). */
export interface CallerContext {
  intentLabel: string;
  journey: string[];
  selfService: SelfServiceLine[];
}

/**
 * The caller's context in the agent's words, from the prompt catalogues, times in the business
 * time zone. A word the catalogue does not know (written by a newer version) shows as it is.
 */
export class AgentLabels {
  private readonly clock: Intl.DateTimeFormat;

  constructor(
    private readonly catalogue: PromptCatalogue,
    timeZone: string,
  ) {
    this.clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }

  context(language: Language, call: { intent: string; journey?: Journey | undefined; selfService?: SelfServiceEntry[] | undefined }): CallerContext {
    return {
      intentLabel: this.path(language, call.intent),
      journey: (call.journey ?? []).map((path) => this.path(language, path)),
      selfService: (call.selfService ?? []).map((entry) => ({ ...entry, text: this.line(language, entry) })),
    };
  }

  path(language: Language, path: string): string {
    return this.text(language, labelKeys.path(path)) ?? path;
  }

  line(language: Language, entry: SelfServiceEntry): string {
    const detail = entry.detail ?? '';
    const vars = {
      time: this.clock.format(Date.parse(entry.at)),
      ref: entry.ref ?? '',
      detail,
      reason: this.text(language, reasonKey(detail)) ?? detail,
      topic: this.text(language, labelKeys.sms(detail)) ?? detail,
    };
    return this.text(language, labelKeys.selfService(entry.kind), vars) ?? [entry.kind, entry.ref, entry.detail].filter(Boolean).join(' ');
  }

  private text(language: Language, key: string, vars?: Record<string, string>): string | undefined {
    return this.catalogue.has(key) ? this.catalogue.render(language, key, vars) : undefined;
  }
}

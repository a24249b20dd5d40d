import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LANGUAGES, type Language, type PromptVars } from '../../flows/vocabulary';

export { LANGUAGES };

/** A stretch of a prompt in one language, spoken by that language's voice. */
export interface Segment {
  language: Language;
  text: string;
}

/**
 * A phrase of the other language inside a prompt (SPEC §2: the English main menu's
 * "普通话服务请按9"), written `[[zh-CN:普通话服务请按9。]]`: it becomes a `<Say>` of its own.
 */
const FOREIGN_SEGMENT = /\[\[([a-zA-Z-]+):([^\]]+)\]\]/g;

const SPEECH_FILE = 'speech.json';
const promptFile = z.record(z.string().regex(/^[a-zA-Z]+(\.[a-zA-Z0-9]+)+$/), z.string().trim().min(1));
const speechFile = z.record(z.string(), z.record(z.string().regex(/^[0-9*#]$/), z.array(z.string().min(1)).min(1)));

export type SpeechPhrases = z.infer<typeof speechFile>;

export class PromptCatalogueError extends Error {}

/**
 * Every prompt and SMS text in every language, loaded once at start. Operators edit the JSON
 * files under `prompts/<language>/`; a key missing from a language, or a `{placeholder}` that a
 * translation forgot, stops the start instead of leaving a caller in silence.
 */
export class PromptCatalogue {
  private constructor(
    private readonly texts: Record<Language, Map<string, string>>,
    readonly speech: Record<Language, SpeechPhrases>,
  ) {}

  static load(dir: string): PromptCatalogue {
    const texts = {} as Record<Language, Map<string, string>>;
    const speech = {} as Record<Language, SpeechPhrases>;
    for (const language of LANGUAGES) {
      const languageDir = path.join(dir, language);
      texts[language] = new Map();
      for (const file of readdirSync(languageDir).filter((name) => name.endsWith('.json')).sort()) {
        const raw = parseJson(path.join(languageDir, file));
        if (file === SPEECH_FILE) {
          speech[language] = check(speechFile, raw, `${language}/${file}`);
          continue;
        }
        for (const [key, text] of Object.entries(check(promptFile, raw, `${language}/${file}`))) {
          if (texts[language].has(key)) throw new PromptCatalogueError(`${language}/${file}: key ${key} is defined twice`);
          checkSegments(language, key, text);
          texts[language].set(key, text);
        }
      }
      if (!speech[language]) throw new PromptCatalogueError(`${language}/${SPEECH_FILE} is missing`);
    }
    const catalogue = new PromptCatalogue(texts, speech);
    catalogue.checkLanguagesAgree();
    return catalogue;
  }

  has(key: string): boolean {
    return LANGUAGES.every((language) => this.texts[language].has(key));
  }

  keys(): string[] {
    return [...this.texts[LANGUAGES[0]!].keys()];
  }

  /** The keys of `wanted` that some language lacks. */
  missing(wanted: Iterable<string>): string[] {
    return [...new Set(wanted)].filter((key) => !this.has(key)).sort();
  }

  /**
   * The text for `key` with its `{placeholders}` filled, as written (an SMS keeps a foreign
   * phrase as it reads); a missing key or value is a programming error.
   */
  render(language: Language, key: string, vars: PromptVars = {}): string {
    return splitSegments(language, this.fill(language, key, vars))
      .map((segment) => segment.text)
      .join('');
  }

  /** The text for `key` cut where the language changes, each stretch to be read by its own voice. */
  speak(language: Language, key: string, vars: PromptVars = {}): Segment[] {
    return splitSegments(language, this.fill(language, key, vars))
      .map((segment) => ({ language: segment.language, text: segment.text.trim() }))
      .filter((segment) => segment.text !== '');
  }

  private fill(language: Language, key: string, vars: PromptVars): string {
    const text = this.texts[language].get(key);
    if (text === undefined) throw new PromptCatalogueError(`no prompt ${key} in ${language}`);
    return text.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = vars[name];
      if (value === undefined) throw new PromptCatalogueError(`prompt ${key} needs {${name}}`);
      return String(value);
    });
  }

  private checkLanguagesAgree(): void {
    const [first, ...others] = LANGUAGES as [Language, ...Language[]];
    for (const other of others) {
      for (const [a, b] of [[first, other], [other, first]] as const) {
        for (const key of this.texts[a].keys()) {
          if (!this.texts[b].has(key)) throw new PromptCatalogueError(`prompt ${key} exists in ${a} but not in ${b}`);
        }
        for (const key of Object.keys(this.speech[a])) {
          if (!this.speech[b][key]) throw new PromptCatalogueError(`speech phrases for ${key} exist in ${a} but not in ${b}`);
        }
      }
      for (const [key, text] of this.texts[first]) {
        const expected = placeholders(text);
        const actual = placeholders(this.texts[other].get(key)!);
        if (expected !== actual) {
          throw new PromptCatalogueError(`prompt ${key}: placeholders ${expected} in ${first} but ${actual} in ${other}`);
        }
      }
    }
  }
}

function splitSegments(language: Language, text: string): Segment[] {
  const segments: Segment[] = [];
  let rest = 0;
  for (const match of text.matchAll(FOREIGN_SEGMENT)) {
    segments.push({ language, text: text.slice(rest, match.index) });
    segments.push({ language: match[1] as Language, text: match[2]! });
    rest = match.index + match[0].length;
  }
  segments.push({ language, text: text.slice(rest) });
  return segments;
}

function checkSegments(language: Language, key: string, text: string): void {
  for (const match of text.matchAll(FOREIGN_SEGMENT)) {
    const marked = match[1] as Language;
    if (!LANGUAGES.includes(marked) || marked === language) {
      throw new PromptCatalogueError(`${language} prompt ${key}: [[${match[1]}:…]] must name another language (${LANGUAGES.join(', ')})`);
    }
  }
  if (text.replace(FOREIGN_SEGMENT, '').includes('[[')) throw new PromptCatalogueError(`${language} prompt ${key}: unclosed [[language:…]] phrase`);
}

function placeholders(text: string): string {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort().join(',');
}

function parseJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PromptCatalogueError(`${file}: ${(error as Error).message}`);
  }
}

function check<T>(schema: z.ZodType<T>, raw: unknown, name: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new PromptCatalogueError(`${name}: ${problems}`);
  }
  return parsed.data;
}

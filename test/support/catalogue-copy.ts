import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PromptCatalogue } from '../../src/prompts/prompt-catalogue';

/**
 * The real catalogues copied, with `keys` removed from `files` of each of `languages`, loaded as
 * the app would load them (so the loader's own refusals surface as they would at start).
 */
export function catalogueWithout(keys: string[], files: string[], languages = ['zh-CN', 'en-US']): PromptCatalogue {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotline-prompts-'));
  try {
    cpSync(path.join(__dirname, '../../prompts'), dir, { recursive: true });
    for (const language of languages) {
      for (const file of files) {
        const target = path.join(dir, language, file);
        const texts = JSON.parse(readFileSync(target, 'utf8')) as Record<string, string>;
        for (const key of keys) delete texts[key];
        writeFileSync(target, JSON.stringify(texts));
      }
    }
    return PromptCatalogue.load(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

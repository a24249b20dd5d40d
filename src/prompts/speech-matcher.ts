import type { Language } from '../config';
import type { SpeechPhrases } from './prompt-catalogue';

/** Below this Twilio confidence a phrase is treated as not understood rather than guessed at. */
export const MIN_SPEECH_CONFIDENCE = 0.4;

/**
 * Turns what the caller said into the key it stands for in the current menu, so machines only
 * ever see keys. Options of the current prompt win over the global words (agent, repeat, back).
 * Returns null when nothing matched confidently.
 */
export function keyForSpeech(
  phrases: Record<Language, SpeechPhrases>,
  language: Language,
  promptKey: string,
  said: string,
  confidence: number,
): string | null {
  if (confidence < MIN_SPEECH_CONFIDENCE) return null;
  const text = said.toLowerCase();
  const own = phrases[language];
  for (const table of [own[promptKey], own.global]) {
    for (const [key, words] of Object.entries(table ?? {})) {
      if (words.some((word) => text.includes(word.toLowerCase()))) return key;
    }
  }
  return null;
}

/** Words Twilio's recogniser should expect in this menu (the `hints` attribute). */
export function speechHints(phrases: SpeechPhrases, promptKey: string): string {
  return [...Object.values(phrases[promptKey] ?? {}), ...Object.values(phrases.global ?? {})].flat().join(',');
}

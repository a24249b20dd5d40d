import type { PromptCatalogue } from '../../src/prompts/prompt-catalogue';
import { LANGUAGES } from '../../flows/vocabulary';

/**
 * What an answer tells about the hotline's health, read from the raw TwiML: an apology (something
 * failed inside and the caller heard `error.apology`, or `queue.rejoin` in the waiting room), or a
 * restart (`error.restart`: the call's session could not be read and the caller starts over).
 */
export type AnswerTrouble = 'apology' | 'restart' | undefined;

export class ApologyDetector {
  private readonly apologies: string[];
  private readonly restarts: string[];

  constructor(catalogue: PromptCatalogue) {
    const texts = (key: string) => LANGUAGES.map((language) => catalogue.speak(language, key).map((segment) => segment.text).join(''));
    this.apologies = [...texts('error.apology'), ...texts('queue.rejoin')];
    this.restarts = texts('error.restart');
  }

  trouble(twiml: string): AnswerTrouble {
    const text = twiml.includes('&') ? unescapeXml(twiml) : twiml;
    if (this.restarts.some((restart) => text.includes(restart))) return 'restart';
    if (this.apologies.some((apology) => text.includes(apology))) return 'apology';
    return undefined;
  }
}

function unescapeXml(value: string): string {
  return value.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

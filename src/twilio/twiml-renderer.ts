import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import type { GatherKind } from '../../flows/menu-contract';
import type { Speech, Turn } from '../calls/turn';
import type { Language } from '../config';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import { speechHints } from '../prompts/speech-matcher';
import { VOICE_SETTINGS } from './voice-settings';
import type { WebhookUrls } from './webhook-urls';

type GatherAttributes = VoiceResponse.GatherAttributes;

/**
 * How long Twilio waits for input. A one-key menu is quick; secrets and phone numbers are typed
 * more slowly and end with `#`. PINs and codes never accept speech.
 */
const GATHER_SHAPES: Record<GatherKind, Partial<GatherAttributes>> = {
  // No finish key in menus: `#` itself is a choice (back) and must reach us as Digits=#.
  menu: { input: ['dtmf', 'speech'], numDigits: 1, timeout: 6, speechTimeout: 'auto', finishOnKey: '' },
  // `#` ends the entry; pressed alone it arrives as an empty result with FinishedOnKey=# (back).
  pin: { input: ['dtmf'], numDigits: 6, timeout: 10, finishOnKey: '#', actionOnEmptyResult: true },
  code: { input: ['dtmf'], numDigits: 6, timeout: 10, finishOnKey: '#', actionOnEmptyResult: true },
  phone: { input: ['dtmf'], timeout: 10, finishOnKey: '#', actionOnEmptyResult: true },
};

/** Formats a Turn as TwiML; decides nothing about the call. */
export class TwimlRenderer {
  private readonly hintCache = new Map<string, string>();

  constructor(
    private readonly catalogue: PromptCatalogue,
    private readonly urls: WebhookUrls,
  ) {}

  render(turn: Turn): string {
    const response = new VoiceResponse();
    const { next } = turn;
    switch (next.kind) {
      case 'gather': {
        const gather = response.gather({
          ...GATHER_SHAPES[next.gather],
          action: this.urls.gather(next.revision),
          method: 'POST',
          language: VOICE_SETTINGS[turn.language].gatherLanguage,
          ...(next.gather === 'menu' ? { hints: this.hints(turn.language, next.promptKey) } : {}),
        });
        this.say(gather, turn.language, turn.speech);
        // Without this, a silent caller would fall off the end of the TwiML and be hung up on.
        response.redirect({ method: 'POST' }, this.urls.noInput(next.revision));
        break;
      }
      case 'enqueue':
        this.say(response, turn.language, turn.speech);
        response.enqueue({ waitUrl: this.urls.queueWait(), waitUrlMethod: 'POST', action: this.urls.queueLeft(), method: 'POST' }, next.queue);
        break;
      case 'dial':
        this.say(response, turn.language, turn.speech);
        response.dial({}, next.number);
        break;
      case 'hangup':
        this.say(response, turn.language, turn.speech);
        response.hangup();
        break;
    }
    return response.toString();
  }

  /**
   * When something inside failed: apologise, then either send the caller to a person (overflow
   * number) or try the call again a few times before a polite goodbye.
   */
  apology(language: Language, options: { overflowNumber?: string; retryAttempt?: number }): string {
    const response = new VoiceResponse();
    this.say(response, language, [{ key: 'error.apology' }]);
    if (options.overflowNumber) {
      response.dial({}, options.overflowNumber);
    } else if (options.retryAttempt !== undefined) {
      response.pause({ length: 2 });
      response.redirect({ method: 'POST' }, this.urls.recover(options.retryAttempt));
    } else {
      this.say(response, language, [{ key: 'call.goodbye' }]);
      response.hangup();
    }
    return response.toString();
  }

  /** The catalogue does not change while the app runs, so each menu's hints are joined once. */
  private hints(language: Language, promptKey: string): string {
    const key = `${language}:${promptKey}`;
    let hints = this.hintCache.get(key);
    if (hints === undefined) {
      hints = speechHints(this.catalogue.speech[language], promptKey);
      this.hintCache.set(key, hints);
    }
    return hints;
  }

  private say(target: VoiceResponse | VoiceResponse.Gather, language: Language, speech: Speech[]): void {
    const { say } = VOICE_SETTINGS[language];
    for (const item of speech) {
      target.say({ language: say.language, voice: say.voice }, this.catalogue.render(language, item.key, item.vars));
    }
  }
}

import type { GatherKind } from '../../flows/menu-contract';
import type { Language } from '../../flows/vocabulary';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import { speechHints } from '../prompts/speech-matcher';
import type { Answer, Delivery, Speech } from './answer';
import { checkLength, checkTwiml } from './twiml-rules';
import { serialise, type TwimlNode } from './twiml-tree';
import { VOICE_SETTINGS } from './voice-settings';
import type { WebhookUrls } from './webhook-urls';

type Attributes = NonNullable<TwimlNode['attributes']>;

/**
 * How long Twilio waits for input. A one-key menu is quick; secrets and phone numbers are typed
 * more slowly and end with `#`. PINs and codes never accept speech.
 */
const GATHER_SHAPES: Record<GatherKind, Attributes> = {
  // No finish key in menus: `#` itself is a choice (back) and must reach us as Digits=#.
  menu: { input: ['dtmf', 'speech'], numDigits: 1, timeout: 6, speechTimeout: 'auto', finishOnKey: '' },
  // `#` ends the entry; pressed alone it arrives as an empty result with FinishedOnKey=# (back).
  pin: { input: ['dtmf'], numDigits: 6, timeout: 10, finishOnKey: '#', actionOnEmptyResult: true },
  code: { input: ['dtmf'], numDigits: 6, timeout: 10, finishOnKey: '#', actionOnEmptyResult: true },
  phone: { input: ['dtmf'], timeout: 10, finishOnKey: '#', actionOnEmptyResult: true },
};

/** How long an apology pauses before the call is tried again. */
const RETRY_PAUSE_SECONDS = 2;

/**
 * The one module that writes TwiML: every Answer the hotline gives, as Twilio's verbs, checked
 * against Twilio's rules for where it runs (twiml-rules.ts) before it leaves. It decides nothing
 * about the call. Every URL in it is absolute (PUBLIC_BASE_URL), because Twilio signs exactly
 * the URL it calls.
 */
export class TwimlRenderer {
  private readonly hintCache = new Map<string, string>();

  constructor(
    private readonly catalogue: PromptCatalogue,
    private readonly urls: WebhookUrls,
    private readonly holdMusicUrl: string,
  ) {}

  render(answer: Answer, delivery: Delivery = 'webhook'): string {
    const verbs = this.verbs(answer);
    checkTwiml(verbs, delivery);
    return checkLength(serialise(verbs), delivery);
  }

  private verbs(answer: Answer): TwimlNode[] {
    const { language, speech } = answer;
    const said = this.say(language, speech);
    switch (answer.kind) {
      case 'prompt':
        return [
          this.gather(language, answer.gather, answer.promptKey, this.urls.gather(answer.revision), said),
          // Without this, a silent caller would fall off the end of the TwiML and be hung up on.
          redirect(this.urls.noInput(answer.revision)),
        ];
      case 'enqueue':
        return [
          ...said,
          {
            verb: 'Enqueue',
            attributes: { waitUrl: this.urls.queueWait(), waitUrlMethod: 'POST', action: this.urls.queueLeft(), method: 'POST' },
            text: answer.queue,
          },
        ];
      case 'wait': {
        // The announcement may be cut short by 1 (callback); Twilio asks the wait URL again after the music.
        const keys = { input: ['dtmf'], numDigits: 1, timeout: 3, action: this.urls.queueWaitKey(), method: 'POST' };
        return [...(said.length > 0 ? [{ verb: 'Gather', attributes: keys, children: said } as TwimlNode] : []), this.music()];
      }
      case 'hold':
        return [...said, this.music()];
      case 'leave':
        return [...said, { verb: 'Leave' }];
      case 'connectAgent': {
        const { callSid, agentId, token, target, waitedMs } = answer;
        const answered = { url: this.urls.agentAnswered(callSid, agentId, token, waitedMs), method: 'POST' };
        const leg: TwimlNode =
          target.kind === 'client'
            ? { verb: 'Client', attributes: answered, text: target.identity }
            : { verb: 'Number', attributes: answered, text: target.number };
        const dial = { action: this.urls.dialEnded(callSid, agentId, token, language), method: 'POST', timeout: answer.ringSeconds };
        return [...said, { verb: 'Dial', attributes: dial, children: [leg] }];
      }
      case 'survey': {
        const url = this.urls.survey(answer.callSid, answer.attempt, language);
        const keys = { input: ['dtmf'], numDigits: 1, timeout: 8, action: url, method: 'POST' };
        // Silence falls through to the redirect: the same URL without Digits counts as no answer.
        return [...said, { verb: 'Gather', attributes: keys, children: this.say(language, [{ key: 'survey.question' }]) }, redirect(url)];
      }
      case 'dial':
        return [...said, { verb: 'Dial', text: answer.number }];
      case 'retry':
        return [...said, { verb: 'Pause', attributes: { length: RETRY_PAUSE_SECONDS } }, redirect(this.urls.recover(answer.attempt))];
      case 'hangup':
        return [...said, { verb: 'Hangup' }];
      case 'done':
        return said;
    }
  }

  private gather(language: Language, kind: GatherKind, promptKey: string, action: string, children: TwimlNode[]): TwimlNode {
    const attributes: Attributes = {
      ...GATHER_SHAPES[kind],
      action,
      method: 'POST',
      language: VOICE_SETTINGS[language].gatherLanguage,
      ...(kind === 'menu' ? { hints: this.hints(language, promptKey) } : {}),
    };
    return { verb: 'Gather', attributes, children };
  }

  private music(): TwimlNode {
    return { verb: 'Play', text: this.holdMusicUrl };
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

  /** Every phrase in its own voice: a prompt with a phrase of the other language is several `<Say>`s. */
  private say(language: Language, speech: Speech[]): TwimlNode[] {
    return speech.flatMap((item) =>
      this.catalogue.speak(language, item.key, item.vars).map((segment): TwimlNode => {
        const { say } = VOICE_SETTINGS[segment.language];
        return { verb: 'Say', attributes: { language: say.language, voice: say.voice }, text: segment.text };
      }),
    );
  }
}

function redirect(url: string): TwimlNode {
  return { verb: 'Redirect', attributes: { method: 'POST' }, text: url };
}

import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import type { Agent } from '../agents/agent-directory';
import type { Speech } from '../calls/turn';
import type { Language } from '../config';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import type { Tier } from '../queue/human-queue';
import { VOICE_SETTINGS } from '../twilio/voice-settings';
import type { WebhookUrls } from '../twilio/webhook-urls';

/** How long an agent's phone or client rings before the caller goes back to the front. */
export const AGENT_RING_SECONDS = 20;
/** Twilio refuses longer TwiML in a call update or create. */
export const MAX_REST_TWIML_CHARS = 4000;

/**
 * The TwiML of the human hand-off: waiting, being connected to an agent, the survey. Every URL in
 * it is absolute (PUBLIC_BASE_URL), because Twilio signs exactly the URL it calls.
 */
export class HandoffTwiml {
  constructor(
    private readonly catalogue: PromptCatalogue,
    private readonly urls: WebhookUrls,
    private readonly holdMusicUrl: string,
  ) {}

  /** Into Twilio's waiting room; our Redis queue decides who is next. */
  enqueue(language: Language, speech: Speech[], queue: Tier): string {
    const response = new VoiceResponse();
    this.say(response, language, speech);
    response.enqueue({ waitUrl: this.urls.queueWait(), waitUrlMethod: 'POST', action: this.urls.queueLeft(), method: 'POST' }, queue);
    return response.toString();
  }

  /**
   * One round of waiting: the announcement (interruptible by 1 for a callback), then a short clip.
   * Twilio requests the wait URL again when the clip ends, so the position is re-announced.
   */
  wait(language: Language, announcement: Speech[]): string {
    const response = new VoiceResponse();
    if (announcement.length > 0) {
      const gather = response.gather({ input: ['dtmf'], numDigits: 1, timeout: 3, action: this.urls.queueWaitKey(), method: 'POST' });
      this.say(gather, language, announcement);
    }
    response.play({}, this.holdMusicUrl);
    return response.toString();
  }

  /** Said while the caller keeps waiting (after a key, or when our queue could not be read). */
  hold(language: Language, speech: Speech[]): string {
    const response = new VoiceResponse();
    this.say(response, language, speech);
    response.play({}, this.holdMusicUrl);
    return response.toString();
  }

  /** The caller's leg rings the agent; `queuedCallSid` ties both legs' webhooks to the queue entry. */
  connect(language: Language, speech: Speech[], queuedCallSid: string, agent: Agent, waitedMs: number): string {
    const response = new VoiceResponse();
    this.say(response, language, speech);
    const dial = response.dial({ action: this.urls.dialEnded(queuedCallSid, agent.id), method: 'POST', timeout: AGENT_RING_SECONDS });
    const answered = { url: this.urls.agentAnswered(queuedCallSid, agent.id, waitedMs), method: 'POST' } as const;
    if (agent.contact.kind === 'client') dial.client(answered, agent.contact.identity);
    else dial.number(answered, agent.contact.number);
    return checked(response.toString());
  }

  survey(language: Language, queuedCallSid: string, attempt: number, speech: Speech[] = []): string {
    const response = new VoiceResponse();
    this.say(response, language, speech);
    const gather = response.gather({ input: ['dtmf'], numDigits: 1, timeout: 8, action: this.urls.survey(queuedCallSid, attempt, language), method: 'POST' });
    this.say(gather, language, [{ key: 'survey.question' }]);
    // Silence falls through to here: the same URL without Digits counts as no answer.
    response.redirect({ method: 'POST' }, this.urls.survey(queuedCallSid, attempt, language));
    return checked(response.toString());
  }

  /** Ends the call politely. */
  goodbye(language: Language, speech: Speech[]): string {
    const response = new VoiceResponse();
    this.say(response, language, speech);
    response.hangup();
    return response.toString();
  }

  /** The overflow line when our queue cannot take the caller. */
  dial(language: Language, speech: Speech[], number: string): string {
    const response = new VoiceResponse();
    this.say(response, language, speech);
    response.dial({}, number);
    return response.toString();
  }

  /** Out of Twilio's waiting room: its `<Enqueue action>` then decides what the caller hears. */
  leave(): string {
    const response = new VoiceResponse();
    response.leave();
    return response.toString();
  }

  /** Refuses the agent's leg: the caller's `<Dial>` ends and its action takes over. */
  hangup(): string {
    const response = new VoiceResponse();
    response.hangup();
    return response.toString();
  }

  /** Nothing more to do on this leg: the agent's answer URL, or an action whose result is moot. */
  empty(): string {
    return new VoiceResponse().toString();
  }

  private say(target: VoiceResponse | VoiceResponse.Gather, language: Language, speech: Speech[]): void {
    const { say } = VOICE_SETTINGS[language];
    for (const item of speech) target.say({ language: say.language, voice: say.voice }, this.catalogue.render(language, item.key, item.vars));
  }
}

function checked(twiml: string): string {
  if (twiml.length > MAX_REST_TWIML_CHARS) throw new Error(`TwiML of ${twiml.length} characters exceeds Twilio's ${MAX_REST_TWIML_CHARS}`);
  return twiml;
}

import { LANGUAGES, type Language } from '../../flows/vocabulary';
import { answer, type Answer, type Delivery, type Onward } from '../../src/twilio/answer';
import { TwimlRenderer } from '../../src/twilio/twiml-renderer';
import { checkLength, checkTwiml, TWIML_LIMITS, TwimlRuleError } from '../../src/twilio/twiml-rules';
import { serialise, type TwimlNode } from '../../src/twilio/twiml-tree';
import { WebhookUrls } from '../../src/twilio/webhook-urls';
import { readTwiml } from '../../scripts/lib/twiml-reader';
import { catalogue, TEST_BASE_URL } from '../support/test-app';

const renderer = new TwimlRenderer(catalogue, new WebhookUrls(TEST_BASE_URL), 'https://music.example.test/hold.mp3');

/** Realistic values, in each language, for the placeholders prompts have; any other placeholder gets a number. */
const KNOWN_VARS: Record<Language, Record<string, string | number>> = {
  'zh-CN': {
    hours: '周一至周五09:00至21:00', items: '11月20日 14点30分 向张**转账128元5角，已成功。'.repeat(3), time: '20点31分',
    amount: '128元5角', counterparty: '张**', caseDigits: 'C 2 0 2 6 1 1 2 5', link: 'https://w.example/r/abc',
  },
  'en-US': {
    hours: 'Monday to Friday 09:00 to 21:00', items: 'On November 20 at 14:30, a transfer of 128.50 yuan to Zhang, succeeded. '.repeat(3),
    time: '20:31', amount: '128.50 yuan', counterparty: 'Zhang', caseDigits: 'C 2 0 2 6 1 1 2 5', link: 'https://w.example/r/abc',
  },
};
const varsIn = (language: Language) => new Proxy(KNOWN_VARS[language], { get: (known, name: string) => known[name] ?? 42 });

/** Every kind of answer the app gives, each where Twilio runs it (routes, the wait URL, REST call updates). */
const ONWARDS: Array<[Onward, Delivery[]]> = [
  [{ kind: 'prompt', gather: 'menu', promptKey: 'main.menu', revision: 3 }, ['webhook']],
  [{ kind: 'prompt', gather: 'pin', promptKey: 'identity.pin', revision: 3 }, ['webhook']],
  [{ kind: 'prompt', gather: 'code', promptKey: 'identity.code', revision: 3 }, ['webhook']],
  [{ kind: 'prompt', gather: 'phone', promptKey: 'identity.phone', revision: 3 }, ['webhook']],
  [{ kind: 'enqueue', queue: 'tier1' }, ['webhook', 'callUpdate']],
  [{ kind: 'enqueue', queue: 'tier2' }, ['webhook', 'callUpdate']],
  [{ kind: 'wait' }, ['waitUrl']],
  [{ kind: 'hold' }, ['waitUrl']],
  [{ kind: 'leave' }, ['waitUrl']],
  [{ kind: 'connectAgent', callSid: `CA${'a'.repeat(32)}`, agentId: 'alice', token: '0f8fad5b-d9cb-469f-a165-70867728950e', target: { kind: 'client', identity: 'alice' }, waitedMs: 61_000, ringSeconds: 20 }, ['callUpdate']],
  [{ kind: 'connectAgent', callSid: `CA${'b'.repeat(32)}`, agentId: 'carol', token: '7c9e6679-7425-40de-944b-e07fc1f90ae7', target: { kind: 'phone', number: '+8613900000003' }, waitedMs: 0, ringSeconds: 20 }, ['callUpdate']],
  [{ kind: 'survey', callSid: `CA${'c'.repeat(32)}`, attempt: 1 }, ['webhook', 'callUpdate']],
  [{ kind: 'dial', number: '+8640012345678' }, ['webhook']],
  [{ kind: 'retry', attempt: 1 }, ['webhook']],
  [{ kind: 'hangup' }, ['webhook', 'waitUrl']],
  [{ kind: 'done' }, ['webhook']],
];

// SMS texts and the agents' labels are never spoken.
const spokenKeys = catalogue.keys().filter((key) => !key.startsWith('sms.') && !key.startsWith('label.'));

describe('every answer the app can produce passes Twilio\'s rules', () => {
  it.each(LANGUAGES)('each kind of answer, with every prompt of the %s catalogue said before it', (language) => {
    let rendered = 0;
    for (const [onward, deliveries] of ONWARDS) {
      for (const delivery of deliveries) {
        for (const key of spokenKeys) {
          const xml = renderer.render(answer(language, [{ key, vars: varsIn(language) }], onward), delivery);
          expect(readTwiml(xml).length).toBeGreaterThan(0);
          rendered++;
        }
      }
    }
    expect(rendered).toBeGreaterThan(spokenKeys.length * ONWARDS.length);
  });

  it('nests prompts only inside a Gather, and a Redirect after it so silence is never a hang-up', () => {
    const verbs = readTwiml(renderer.render(answer('zh-CN', [{ key: 'main.welcome' }], ONWARDS[0]![0])));
    expect(verbs.map((verb) => verb.verb)).toEqual(['Gather', 'Redirect']);
    expect((verbs[0] as { children: Array<{ verb: string }> }).children.every((child) => child.verb === 'Say')).toBe(true);
  });

  it('writes only absolute URLs into call-update TwiML', () => {
    const xml = renderer.render(answer('zh-CN', [], ONWARDS[9]![0]), 'callUpdate');
    const urls = [...xml.matchAll(/(?:action|url|waitUrl)="([^"]+)"/g)].map((match) => match[1]!);
    expect(urls.length).toBeGreaterThan(1);
    for (const url of urls) expect(url.startsWith(`${TEST_BASE_URL}/`)).toBe(true);
  });
});

describe('the rules refuse what Twilio would refuse', () => {
  const say = (text: string): TwimlNode => ({ verb: 'Say', text });
  const check = (verbs: TwimlNode[], delivery: Delivery) => () => {
    checkTwiml(verbs, delivery);
    checkLength(serialise(verbs), delivery);
  };
  const refuses = (verbs: TwimlNode[], delivery: Delivery, message: RegExp) => expect(check(verbs, delivery)).toThrow(message);

  it('a Dial nested in a Gather', () => {
    refuses([{ verb: 'Gather', children: [{ verb: 'Dial', text: '+8613900000003' }] }], 'webhook', /may not be nested in <Gather>/);
  });

  it('an Enqueue or a Dial in the wait URL', () => {
    refuses([{ verb: 'Enqueue', text: 'tier1' }], 'waitUrl', /not allowed in waitUrl/);
    refuses([{ verb: 'Dial', text: '+8613900000003' }], 'waitUrl', /not allowed in waitUrl/);
  });

  it('a Gather with keys and speech in the wait URL', () => {
    refuses([{ verb: 'Gather', attributes: { input: ['dtmf', 'speech'] }, children: [say('稍等')] }], 'waitUrl', /one input/);
  });

  it('a relative URL in call-update TwiML', () => {
    refuses([{ verb: 'Redirect', text: '/voice/recover' }], 'callUpdate', /must be absolute/);
    refuses([{ verb: 'Dial', attributes: { action: '/voice/agent/dial-ended' }, children: [{ verb: 'Client', text: 'alice' }] }], 'callUpdate', /must be absolute/);
  });

  it('call-update TwiML over 4,000 characters', () => {
    const long = Array.from({ length: 6 }, () => say('Please hold. '.repeat(60)));
    refuses(long, 'callUpdate', new RegExp(`exceeds ${TWIML_LIMITS.callUpdateChars}`));
    expect(check(long, 'webhook')).not.toThrow();
  });

  it('a Say over Polly\'s byte limit, or whose URL-encoded text is too long, or empty', () => {
    refuses([say('您'.repeat(1001))], 'webhook', /bytes exceeds 3000/);
    refuses([say('a&'.repeat(1200))], 'webhook', /URL-encoded characters exceeds 4500/);
    refuses([say('  ')], 'webhook', /empty <Say>/);
  });

  it('is the renderer\'s own check: an answer that cannot be delivered there throws instead of reaching Twilio', () => {
    const enqueue: Answer = answer('zh-CN', [], { kind: 'enqueue', queue: 'tier1' });
    expect(() => renderer.render(enqueue, 'waitUrl')).toThrow(TwimlRuleError);
  });
});

describe('every phrase in its own voice (SPEC §2)', () => {
  const chinese = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;
  /** Two Latin words in a row: an English phrase, which a Mandarin voice must not read. */
  const englishPhrase = /[A-Za-z]{2,}[\s,.'!?-]+[A-Za-z]{2,}/;

  it.each(LANGUAGES)('no Say of the %s catalogue holds text of the other language', (language) => {
    let foreign = 0;
    for (const key of spokenKeys) {
      const verbs = readTwiml(renderer.render(answer(language, [{ key, vars: varsIn(language) }], { kind: 'hangup' })));
      for (const verb of verbs) {
        if (verb.verb !== 'Say') continue;
        const { text, voice } = verb as { text: string; voice: string };
        if (voice === 'Polly.Joanna-Neural') expect({ key, text, hasChinese: chinese.test(text) }).toEqual({ key, text, hasChinese: false });
        else expect({ key, text, hasEnglish: englishPhrase.test(text) }).toEqual({ key, text, hasEnglish: false });
        if ((voice === 'Polly.Joanna-Neural') !== (language === 'en-US')) foreign++;
      }
    }
    // The main menu offers the other language in that language's voice.
    expect(foreign).toBeGreaterThanOrEqual(1);
  });
});

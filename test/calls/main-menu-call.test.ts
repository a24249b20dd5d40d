import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { menuCallsWithDecliningDesk, says, type Language } from '../support/menu-calls';
import { prompt, startTestHotline, type TestHotline } from '../support/test-app';

const VOICES = {
  'zh-CN': { language: 'cmn-CN', voice: 'Polly.Zhiyu-Neural' },
  'en-US': { language: 'en-US', voice: 'Polly.Joanna-Neural' },
} as const;
const hasChinese = (text: string) => /[\u3400-\u9fff]/.test(text);

/**
 * Every phrase in its own voice (SPEC §2): Chinese text is read by the Mandarin voice, anything
 * else by the English one; the call's language leads and its recogniser listens.
 */
function expectVoice(call: TwilioCallDriver, language: Language): void {
  const spoken = says(call.verbs);
  expect(spoken.length).toBeGreaterThan(0);
  for (const say of spoken) expect(say).toMatchObject(VOICES[hasChinese(say.text) ? 'zh-CN' : 'en-US']);
  expect(spoken[0]).toMatchObject(VOICES[language]);
  expect(call.gather).toMatchObject({ language: language === 'en-US' ? 'en-US' : 'cmn-Hans-CN', input: 'dtmf speech', numDigits: 1 });
}

async function sessionOf(hotline: TestHotline, call: TwilioCallDriver) {
  const stored = await hotline.store.sessions.load(call.callSid);
  if (!stored) throw new Error('no session stored');
  return { revision: stored.revision, session: JSON.parse(stored.data) as { menu: string; language: string; phase: string } };
}

describe('the main menu, through the webhooks', () => {
  const menuCalls = menuCallsWithDecliningDesk();
  const { handoffsOf, callIn } = menuCalls;

  it('welcomes in Mandarin with the menu in one Gather (barge-in), and a no-input redirect after it', async () => {
    const call = await menuCalls.hotline.call().dial();
    expect(call.heard).toEqual([prompt('main.welcome'), prompt('main.menu')]);
    expectVoice(call, 'zh-CN');
    expect(call.verbs.map((verb) => verb.verb)).toEqual(['Gather', 'Redirect']);
    // The welcome, then the menu in three voices' turns: "For English, press 9" is read by the English voice.
    expect(says(call.verbs).map((say) => [say.voice, say.text])).toEqual([
      [VOICES['zh-CN'].voice, prompt('main.welcome')],
      [VOICES['zh-CN'].voice, expect.stringMatching(/请按0。$/)],
      [VOICES['en-US'].voice, 'For English, press 9.'],
      [VOICES['zh-CN'].voice, '重听请按星号键。'],
    ]);
    expect(call.gather!.action).toMatch(/\/voice\/gather\?rev=1$/);
    expect(call.verbs[1]).toMatchObject({ url: expect.stringMatching(/\/voice\/no-input\?rev=1$/) });
  });

  describe('9 switches the language', () => {
    it('to English: the menu again in English, Joanna voice, English recognition', async () => {
      const call = await menuCalls.hotline.call().dial();
      await call.press('9');
      expect(call.heard).toEqual([prompt('main.menu', 'en-US')]);
      expectVoice(call, 'en-US');
      expect(says(call.verbs).find((say) => hasChinese(say.text))).toMatchObject({ text: '普通话服务请按9。', ...VOICES['zh-CN'] });
      expect((await sessionOf(menuCalls.hotline, call)).session.language).toBe('en-US');
    });

    it('and back to Mandarin on a second 9', async () => {
      const call = await callIn('en-US');
      await call.press('9');
      expect(call.heard).toEqual([prompt('main.menu', 'zh-CN')]);
      expectVoice(call, 'zh-CN');
    });

    it('by speech: "English" in Mandarin, "Mandarin" in English', async () => {
      const call = await menuCalls.hotline.call().dial();
      await call.say('English please');
      expect(call.heard).toEqual([prompt('main.menu', 'en-US')]);
      await call.say('mandarin');
      expect(call.heard).toEqual([prompt('main.menu', 'zh-CN')]);
    });

    it('the language stays for the rest of the call, into submenus', async () => {
      const call = await callIn('en-US');
      await call.press('3');
      expect(call.heard).toEqual([prompt('techSupport.menu', 'en-US')]);
      expectVoice(call, 'en-US');
      await call.press('#');
      expect(call.heard).toEqual([prompt('main.menu', 'en-US')]);
    });
  });

  describe.each(['zh-CN', 'en-US'] as const)('in %s', (language) => {
    it('3 opens technical support and 4 opens features, by key', async () => {
      const call = await callIn(language);
      await call.press('3');
      expect(call.heard).toEqual([prompt('techSupport.menu', language)]);
      expectVoice(call, language);
      await call.press('#');
      expect(call.heard).toEqual([prompt('main.menu', language)]);
      await call.press('4');
      expect(call.heard).toEqual([prompt('features.menu', language)]);
      expectVoice(call, language);
    });

    it.each([
      ['1', 'account', 'account.menu'],
      ['2', 'transaction', 'transaction.menu'],
    ])('%s reaches the %s menu (its own prompt first), with no hand-off', async (key, menu, first) => {
      const call = await callIn(language);
      await call.press(key);
      const { session } = await sessionOf(menuCalls.hotline, call);
      expect(session.menu).toBe(menu);
      expect(call.heard[0]).toBe(prompt(first, language));
      expect(call.heard).not.toContain(prompt('main.menu', language));
      expect(call.heard).not.toContain(prompt('agent.unavailable', language));
      expect(handoffsOf(call.callSid)).toEqual([]);
      expect(call.gather).toBeDefined();
    });

    it('5 when the wallet cannot be looked up goes straight to the security desk (tier2, urgent); declined, the caller is back at the main menu', async () => {
      // This hotline has no wallet backend: identity cannot be established, and fraud cannot wait for a menu.
      const call = await callIn(language);
      await call.press('5');
      expect(handoffsOf(call.callSid)).toEqual([{ tier: 'tier2', intent: 'fraud.freeze', priority: 'urgent', reason: 'flow' }]);
      expect(call.heard).toEqual([
        prompt('fraud.intro', language),
        prompt('fraud.unverified', language),
        prompt('agent.unavailable', language),
        prompt('main.menu', language),
      ]);
      expect((await sessionOf(menuCalls.hotline, call)).session.menu).toBe('main');
      // The main menu works again after the declined hand-off.
      await call.press('3');
      expect(call.heard).toEqual([prompt('techSupport.menu', language)]);
      expect(handoffsOf(call.callSid)).toHaveLength(1);
    });

    it('* repeats the menu without a hint', async () => {
      const call = await callIn(language);
      await call.press('*');
      expect(call.heard).toEqual([prompt('main.menu', language)]);
      await call.press('*');
      expect(call.heard).toEqual([prompt('main.menu', language)]);
    });

    it('# in the main menu replays it (there is nothing above)', async () => {
      const call = await callIn(language);
      await call.press('#');
      expect(call.heard).toEqual([prompt('main.menu', language)]);
      const { session } = await sessionOf(menuCalls.hotline, call);
      expect(session.menu).toBe('main');
    });

    it('0 asks for an agent; when the desk declines, an apology and the main menu', async () => {
      const call = await callIn(language);
      expect(handoffsOf(call.callSid)).toEqual([]);
      await call.press('0');
      expect(handoffsOf(call.callSid)).toEqual([{ tier: 'tier1', intent: 'main', priority: 'normal', reason: 'asked' }]);
      expect(call.heard).toEqual([prompt('agent.unavailable', language), prompt('main.menu', language)]);
      expect(call.gather).toBeDefined();
      expect(call.verbs.some((verb) => verb.verb === 'Hangup')).toBe(false);
      // Still in the main menu, and a second 0 is a second, separate request.
      expect((await sessionOf(menuCalls.hotline, call)).session.menu).toBe('main');
      await call.press('0');
      expect(handoffsOf(call.callSid)).toEqual([
        { tier: 'tier1', intent: 'main', priority: 'normal', reason: 'asked' },
        { tier: 'tier1', intent: 'main', priority: 'normal', reason: 'asked' },
      ]);
    });

    it('a wrong key or silence is never a hand-off', async () => {
      const call = await callIn(language);
      await call.press('7');
      await call.silence();
      expect(handoffsOf(call.callSid)).toEqual([]);
    });

    it('a wrong key and silence get different hints, each followed by the menu', async () => {
      const call = await callIn(language);
      await call.press('7');
      expect(call.heard).toEqual([prompt('hint.wrongKey', language), prompt('main.menu', language)]);
      await call.press('*');
      await call.silence();
      expect(call.heard).toEqual([prompt('hint.noInput', language), prompt('main.menu', language)]);
      expect(prompt('hint.wrongKey', language)).not.toEqual(prompt('hint.noInput', language));
    });

    it.each([
      ['three wrong keys', ['7', '8', '6']],
      ['three silences', ['', '', '']],
      ['wrong, silent, wrong', ['7', '', '#7']],
    ])('%s put the caller through to an agent, never hang up', async (_label, inputs) => {
      const call = await callIn(language);
      for (const [index, input] of inputs.entries()) {
        if (input === '') await call.silence();
        else await call.press(input);
        if (index < inputs.length - 1) {
          expect(call.heard).toEqual([prompt(input === '' ? 'hint.noInput' : 'hint.wrongKey', language), prompt('main.menu', language)]);
        }
      }
      expect(call.heard).toEqual([prompt('agent.unavailable', language), prompt('main.menu', language)]);
      expect(handoffsOf(call.callSid)).toEqual([{ tier: 'tier1', intent: 'main', priority: 'normal', reason: 'strikes' }]);
      expect(call.verbs.some((verb) => verb.verb === 'Hangup')).toBe(false);
      // Back in the main menu the count starts again: one more wrong key is only a hint.
      await call.press('8');
      expect(call.heard).toEqual([prompt('hint.wrongKey', language), prompt('main.menu', language)]);
    });
  });

  describe('speech', () => {
    it.each([
      ['技术支持', 'zh-CN', 'techSupport.menu'],
      ['我的app闪退了', 'zh-CN', 'techSupport.menu'],
      ['积分', 'zh-CN', 'features.menu'],
      ['technical support', 'en-US', 'techSupport.menu'],
      ['I have a question about points', 'en-US', 'features.menu'],
    ] as const)('"%s" (%s) opens %s', async (said, language, expected) => {
      const call = await callIn(language);
      await call.say(said, 0.85);
      expect(call.heard).toEqual([prompt(expected, language)]);
    });

    it.each([
      ['人工', 'zh-CN'],
      ['agent', 'en-US'],
    ] as const)('"%s" asks for an agent', async (said, language) => {
      const call = await callIn(language);
      await call.say(said);
      expect(call.heard).toEqual([prompt('agent.unavailable', language), prompt('main.menu', language)]);
      expect(handoffsOf(call.callSid)).toEqual([{ tier: 'tier1', intent: 'main', priority: 'normal', reason: 'asked' }]);
    });

    it('"重复" repeats without a hint', async () => {
      const call = await callIn('zh-CN');
      await call.say('重复一下');
      expect(call.heard).toEqual([prompt('main.menu')]);
    });

    it('speech heard with low confidence counts as a wrong key', async () => {
      const call = await callIn('zh-CN');
      await call.say('技术支持', 0.2);
      expect(call.heard).toEqual([prompt('hint.wrongKey'), prompt('main.menu')]);
    });

    it('speech that matches no option counts as a wrong key', async () => {
      const call = await callIn('en-US');
      await call.say('what is the weather like', 0.95);
      expect(call.heard).toEqual([prompt('hint.wrongKey', 'en-US'), prompt('main.menu', 'en-US')]);
    });

    it('the Gather gives the recogniser the words of the menu', async () => {
      const call = await callIn('zh-CN');
      expect(call.gather!.hints).toContain('技术');
      expect(call.gather!.hints).toContain('人工');
    });
  });

  it('with the real agent desk (in business hours), 0 puts the caller in the tier1 queue with the intent, never hangs up', async () => {
    const real = await startTestHotline({ store: 'memory' });
    try {
      const call = await real.call().dial();
      await call.press('0');
      expect(call.status).toBe(200);
      expect(call.heard).toHaveLength(1);
      expect(call.heard).not.toContain(prompt('agent.unavailable'));
      expect(call.verbs.map((verb) => verb.verb)).toEqual(['Say', 'Enqueue']);
      expect(call.verbs[1]).toMatchObject({ verb: 'Enqueue', queue: 'tier1' });
      // What the agents see: this caller waiting in tier1, for the main menu, at normal priority.
      const queues = await real.app.inject({ method: 'GET', url: '/agent/queues', headers: { authorization: 'Bearer alice-demo-token' } });
      expect(queues.statusCode).toBe(200);
      const body = JSON.parse(queues.body) as { queues: Array<{ queue: string; callers: Array<Record<string, unknown>> }> };
      const waiting = body.queues.flatMap((queue) => queue.callers.map((caller) => ({ queue: queue.queue, ...caller })));
      expect(waiting).toEqual([
        expect.objectContaining({ queue: 'tier1', callSid: call.callSid, position: 1, intent: 'main', priority: 'normal', identityLevel: 0 }),
      ]);
    } finally {
      await real.close();
    }
  });
});

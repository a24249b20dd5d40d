import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { menuCallsWithDecliningDesk, says, type Language } from '../support/menu-calls';
import { prompt, startTestHotline } from '../support/test-app';

const TOPICS = [
  ['1', 'payments'],
  ['2', 'points'],
  ['3', 'records'],
  ['4', 'whatsNew'],
] as const;

describe('menu 4 (features and services), through the webhooks', () => {
  const { handoffsOf, smsFor, callIn } = menuCallsWithDecliningDesk();

  /** A call in the features menu, in Mandarin or (after 9) English. */
  async function inFeatures(language: Language): Promise<TwilioCallDriver> {
    const call = await callIn(language);
    await call.press('4');
    expect(call.heard).toEqual([prompt('features.menu', language)]);
    return call;
  }

  describe.each(['zh-CN', 'en-US'] as const)('in %s', (language) => {
    it.each(TOPICS)('%s → %s: details, SMS on 1, # back to the features menu', async (key, topic) => {
      const call = await inFeatures(language);
      await call.press(key);
      expect(call.heard).toEqual([prompt(`features.${topic}`, language)]);
      if (language === 'en-US') {
        for (const say of says(call.verbs)) expect(say).toMatchObject({ language: 'en-US', voice: 'Polly.Joanna-Neural' });
        expect(call.gather).toMatchObject({ language: 'en-US' });
      }

      await call.press('1');
      expect(call.heard).toEqual([prompt('sms.sent', language), prompt(`features.${topic}`, language)]);
      expect(smsFor(call)).toEqual([
        expect.objectContaining({ kind: 'sms', to: call.from, body: prompt(`sms.features.${topic}`, language) }),
      ]);

      await call.press('#');
      expect(call.heard).toEqual([prompt('features.menu', language)]);
      await call.press('#');
      expect(call.heard).toEqual([prompt('main.menu', language)]);
      // Going back sent nothing more.
      expect(smsFor(call)).toHaveLength(1);
    });

    it('* repeats a topic without a hint, and sends nothing', async () => {
      const call = await inFeatures(language);
      await call.press('2');
      await call.press('*');
      expect(call.heard).toEqual([prompt('features.points', language)]);
      expect(smsFor(call)).toHaveLength(0);
    });

    it('* repeats the features menu', async () => {
      const call = await inFeatures(language);
      await call.press('*');
      expect(call.heard).toEqual([prompt('features.menu', language)]);
    });

    it('a second press of 1 sends nothing and says the SMS was sent already (SPEC §3)', async () => {
      const call = await inFeatures(language);
      await call.press('3');
      await call.press('1');
      expect(call.heard).toEqual([prompt('sms.sent', language), prompt('features.records', language)]);
      await call.press('1');
      expect(call.heard).toEqual([prompt('sms.refused.alreadySent', language), prompt('features.records', language)]);
      expect(smsFor(call).map((sms) => (sms as { body: string }).body)).toEqual([prompt('sms.features.records', language)]);
    });

    it('a wrong key and silence in a topic get their own hints, then the topic again', async () => {
      const call = await inFeatures(language);
      await call.press('4');
      await call.press('5');
      expect(call.heard).toEqual([prompt('hint.wrongKey', language), prompt('features.whatsNew', language)]);
      await call.silence();
      expect(call.heard).toEqual([prompt('hint.noInput', language), prompt('features.whatsNew', language)]);
    });

    it('three failures in the features menu put the caller through to an agent', async () => {
      const call = await inFeatures(language);
      await call.press('9');
      expect(call.heard).toEqual([prompt('hint.wrongKey', language), prompt('features.menu', language)]);
      await call.silence();
      expect(call.heard).toEqual([prompt('hint.noInput', language), prompt('features.menu', language)]);
      await call.press('7');
      expect(call.heard).toEqual([prompt('agent.unavailable', language), prompt('main.menu', language)]);
      expect(handoffsOf(call.callSid)).toEqual([{ tier: 'tier1', intent: 'features', priority: 'normal', reason: 'strikes' }]);
    });

    it('three failures in a topic put the caller through to an agent', async () => {
      const call = await inFeatures(language);
      await call.press('1');
      await call.silence();
      await call.silence();
      await call.silence();
      expect(call.heard).toEqual([prompt('agent.unavailable', language), prompt('main.menu', language)]);
      expect(handoffsOf(call.callSid)).toEqual([expect.objectContaining({ intent: 'features.payments', reason: 'strikes' })]);
      expect(smsFor(call)).toHaveLength(0);
    });

    it('0 asks for an agent from the menu and from a topic', async () => {
      const call = await inFeatures(language);
      await call.press('0');
      expect(call.heard).toEqual([prompt('agent.unavailable', language), prompt('main.menu', language)]);
      await call.press('4');
      await call.press('2');
      await call.press('0');
      expect(call.heard).toEqual([prompt('agent.unavailable', language), prompt('main.menu', language)]);
      expect(handoffsOf(call.callSid)).toEqual([
        expect.objectContaining({ intent: 'features', reason: 'asked' }),
        expect.objectContaining({ intent: 'features.points', reason: 'asked' }),
      ]);
    });
  });

  describe('speech', () => {
    it.each([
      ['积分', 'zh-CN', 'points'],
      ['转账', 'zh-CN', 'payments'],
      ['账单', 'zh-CN', 'records'],
      ['新功能', 'zh-CN', 'whatsNew'],
      ['points and promotions', 'en-US', 'points'],
      ['how do I withdraw', 'en-US', 'payments'],
      ['my spending records', 'en-US', 'records'],
      ["what's new", 'en-US', 'whatsNew'],
    ] as const)('"%s" (%s) opens %s', async (said, language, topic) => {
      const call = await inFeatures(language);
      await call.say(said);
      expect(call.heard).toEqual([prompt(`features.${topic}`, language)]);
    });

    it('"send me a text" sends the SMS', async () => {
      const call = await inFeatures('en-US');
      await call.press('2');
      await call.say('send me a text');
      expect(call.heard).toEqual([prompt('sms.sent', 'en-US'), prompt('features.points', 'en-US')]);
      expect(smsFor(call)).toEqual([expect.objectContaining({ body: prompt('sms.features.points', 'en-US') })]);
    });

    it('"发短信" sends the SMS in Mandarin', async () => {
      const call = await inFeatures('zh-CN');
      await call.press('1');
      await call.say('请发短信给我');
      expect(smsFor(call)).toEqual([expect.objectContaining({ body: prompt('sms.features.payments', 'zh-CN') })]);
    });

    it('"返回" goes back, "back" too', async () => {
      const zh = await inFeatures('zh-CN');
      await zh.say('返回');
      expect(zh.heard).toEqual([prompt('main.menu')]);
      const en = await inFeatures('en-US');
      await en.press('3');
      await en.say('go back');
      expect(en.heard).toEqual([prompt('features.menu', 'en-US')]);
    });

    it('low-confidence speech is a wrong key: hint, no SMS', async () => {
      const call = await inFeatures('en-US');
      await call.press('1');
      await call.say('send me a text', 0.1);
      expect(call.heard).toEqual([prompt('hint.wrongKey', 'en-US'), prompt('features.payments', 'en-US')]);
      expect(smsFor(call)).toHaveLength(0);
    });
  });

  it('an SMS that fails is apologised for, and the call goes on', async () => {
    const failing = await startTestHotline({ store: 'memory' });
    failing.twilio.sendSms = async () => {
      throw new Error('Twilio REST down');
    };
    try {
      const call = await failing.call().dial();
      await call.press('4');
      await call.press('1');
      await call.press('1');
      expect(call.heard).toEqual([prompt('sms.failed'), prompt('features.payments')]);
      await call.press('#');
      expect(call.heard).toEqual([prompt('features.menu')]);
    } finally {
      await failing.close();
    }
  });
});

import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { menuCallsWithDecliningDesk, type Language } from '../support/menu-calls';
import { prompt } from '../support/test-app';

const TOPICS = [
  ['1', 'appCrash'],
  ['2', 'noCodes'],
  ['3', 'paymentFails'],
] as const;

/** Menu 3 in both languages, with the keys every menu shares (the Mandarin happy path is in tech-support-call). */
describe('menu 3 (technical support) in both languages', () => {
  const { handoffsOf, smsFor, callIn } = menuCallsWithDecliningDesk();

  async function inTechSupport(language: Language): Promise<TwilioCallDriver> {
    const call = await callIn(language);
    await call.press('3');
    expect(call.heard).toEqual([prompt('techSupport.menu', language)]);
    return call;
  }

  describe.each(['zh-CN', 'en-US'] as const)('in %s', (language) => {
    it.each(TOPICS)('%s → %s: steps, * repeats, 1 SMS, # back, 2 agent', async (key, topic) => {
      const call = await inTechSupport(language);
      await call.press(key);
      expect(call.heard).toEqual([prompt(`techSupport.${topic}`, language)]);
      await call.press('*');
      expect(call.heard).toEqual([prompt(`techSupport.${topic}`, language)]);
      await call.press('1');
      expect(call.heard).toEqual([prompt('sms.sent', language), prompt(`techSupport.${topic}`, language)]);
      expect(smsFor(call)).toEqual([
        expect.objectContaining({ kind: 'sms', to: call.from, body: prompt(`sms.techSupport.${topic}`, language) }),
      ]);
      await call.press('#');
      expect(call.heard).toEqual([prompt('techSupport.menu', language)]);
      await call.press(key);
      await call.press('2');
      expect(call.heard).toEqual([prompt('agent.unavailable', language), prompt('main.menu', language)]);
      expect(handoffsOf(call.callSid)).toEqual([{ tier: 'tier1', intent: `techSupport.${topic}`, priority: 'normal', reason: 'asked' }]);
    });

    it('# in the menu goes back to the main menu; * repeats it', async () => {
      const call = await inTechSupport(language);
      await call.press('*');
      expect(call.heard).toEqual([prompt('techSupport.menu', language)]);
      await call.press('#');
      expect(call.heard).toEqual([prompt('main.menu', language)]);
    });

    it('wrong key and silence hints differ; the third failure reaches an agent', async () => {
      const call = await inTechSupport(language);
      await call.press('8');
      expect(call.heard).toEqual([prompt('hint.wrongKey', language), prompt('techSupport.menu', language)]);
      await call.silence();
      expect(call.heard).toEqual([prompt('hint.noInput', language), prompt('techSupport.menu', language)]);
      await call.press('4');
      expect(call.heard).toEqual([prompt('agent.unavailable', language), prompt('main.menu', language)]);
      expect(handoffsOf(call.callSid)).toEqual([expect.objectContaining({ intent: 'techSupport', reason: 'strikes' })]);
    });

    it('a valid choice resets the count of failures', async () => {
      const call = await inTechSupport(language);
      await call.press('8');
      await call.press('8');
      await call.press('1');
      expect(call.heard).toEqual([prompt('techSupport.appCrash', language)]);
      await call.press('8');
      await call.press('8');
      expect(call.heard).toEqual([prompt('hint.wrongKey', language), prompt('techSupport.appCrash', language)]);
    });
  });

  it.each([
    ['验证码收不到', 'zh-CN', 'noCodes'],
    ['扫码付款失败', 'zh-CN', 'paymentFails'],
    ['the app keeps crashing', 'en-US', 'appCrash'],
    ['QR scan fails', 'en-US', 'paymentFails'],
  ] as const)('speech "%s" (%s) opens %s', async (said, language, topic) => {
    const call = await inTechSupport(language);
    await call.say(said);
    expect(call.heard).toEqual([prompt(`techSupport.${topic}`, language)]);
  });

  it('"still not solved" by speech reaches an agent', async () => {
    const call = await inTechSupport('en-US');
    await call.press('2');
    await call.say('it is still not solved');
    expect(call.heard).toEqual([prompt('agent.unavailable', 'en-US'), prompt('main.menu', 'en-US')]);
  });
});

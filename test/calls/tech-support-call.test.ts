import { menuCallsWithDecliningDesk } from '../support/menu-calls';
import { prompt, startTestHotline, type TestHotline } from '../support/test-app';

describe('a caller walks menu 3 (technical support) through the webhooks', () => {
  let hotline: TestHotline;
  beforeAll(async () => {
    hotline = await startTestHotline();
  });
  afterAll(() => hotline.close());

  it('welcomes in Mandarin with the main menu inside a Gather that listens for keys and speech', async () => {
    const call = await hotline.call().dial();
    expect(call.heard).toEqual([prompt('main.welcome'), prompt('main.menu')]);
    expect(call.gather).toMatchObject({ input: 'dtmf speech', numDigits: 1, finishOnKey: '', language: 'cmn-Hans-CN' });
    expect(call.gather!.children[0]).toMatchObject({ language: 'cmn-CN', voice: 'Polly.Zhiyu-Neural' });
  });

  it.each(['appCrash', 'noCodes', 'paymentFails'] as const)('3 → %s: steps, SMS on 1, agent on 2', async (topic) => {
    const key = { appCrash: '1', noCodes: '2', paymentFails: '3' }[topic];
    const call = await hotline.call().dial();
    await call.press('3');
    expect(call.heard).toEqual([prompt('techSupport.menu')]);
    await call.press(key);
    expect(call.heard).toEqual([prompt(`techSupport.${topic}`)]);
    await call.press('1');
    expect(call.heard).toEqual([prompt('sms.sent'), prompt(`techSupport.${topic}`)]);
    const sms = hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.callSid === call.callSid);
    expect(sms).toEqual([expect.objectContaining({ to: call.from, body: prompt(`sms.techSupport.${topic}`) })]);
    await call.press('2');
    expect(call.heard).toEqual([prompt('queue.transferringFirst')]);
    expect(call.verbs.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'tier1' });
    await call.hangUp();
  });
});

describe('a caller without a number to text', () => {
  const menuCalls = menuCallsWithDecliningDesk();

  it.each(['anonymous', 'sip:caller@pbx.example.com'])('%s asking for the steps by SMS hears that no SMS can be sent, and nothing is sent', async (from) => {
    const call = await menuCalls.hotline.call({ from }).dial();
    await call.press('3');
    await call.press('1');
    await call.press('1');
    expect(call.heard).toEqual([prompt('sms.noNumber'), prompt('techSupport.appCrash')]);
    expect(menuCalls.smsFor(call)).toEqual([]);
  });
});

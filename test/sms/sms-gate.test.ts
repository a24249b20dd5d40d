import pino from 'pino';
import { MemoryQuotaStore } from '../../src/limits/memory-quota-store';
import { SmsGate, smsNotice, type SmsMessage, type SmsOutcome } from '../../src/sms/sms-gate';
import { isTextable } from '../../src/sms/textable-number';
import { SimulatedTwilioGateway } from '../../src/twilio/simulated-twilio-gateway';
import { catalogue, ManualClock, testConfig } from '../support/test-app';

const log = pino({ level: 'silent' });

describe('textable numbers', () => {
  it.each([
    ['+8613800000001', ['86'], true],
    ['+8619912345678', ['86'], true],
    ['+861088886666', ['86'], false],
    ['+8612800000001', ['86'], false],
    ['+14155550123', ['86'], false],
    ['+14155550123', ['86', '1'], true],
    ['+85291234567', ['86', '852'], true],
    ['+266696687', ['86', '266'], false],
    ['', ['86'], false],
  ] as const)('%p with country codes %p: %p', (number, codes, textable) => {
    expect(isTextable(number, codes)).toBe(textable);
  });
});

describe('the SMS gate', () => {
  const clock = new ManualClock();
  const setup = () => {
    const twilio = new SimulatedTwilioGateway(clock);
    const events: Array<{ kind: string; details: unknown }> = [];
    const security = { record: (kind: string, details: unknown) => events.push({ kind, details }) };
    const gate = new SmsGate({ quotas: new MemoryQuotaStore(clock), twilio, catalogue, clock, security, limits: testConfig().sms });
    const send = (message: Partial<SmsMessage>) =>
      gate.send({ callSid: `CA${'1'.repeat(32)}`, to: '+8613900000123', language: 'zh-CN', template: 'sms.techSupport.appCrash', ...message }, log);
    return { twilio, events, send };
  };

  it('one-time codes are not counted per call; their own limit is per wallet', async () => {
    const { send } = setup();
    for (const template of ['sms.techSupport.appCrash', 'sms.techSupport.noCodes', 'sms.techSupport.paymentFails']) expect(await send({ template })).toEqual({ kind: 'sent' });
    const code = { template: 'sms.identity.code', vars: { code: '123456' }, codeFor: 'W1' };
    expect(await send(code)).toEqual({ kind: 'sent' });
    expect(await send(code)).toEqual({ kind: 'sent' });
  });

  it('a kind may allow more than one per call (a reset link and its resend)', async () => {
    const { send } = setup();
    const link = { template: 'sms.account.resetLink', vars: { link: 'https://x', minutes: 30 }, kindLimit: 2 };
    expect(await send(link)).toEqual({ kind: 'sent' });
    expect(await send(link)).toEqual({ kind: 'sent' });
    expect(await send(link)).toEqual({ kind: 'refused', reason: 'alreadySent' });
  });

  it('a send Twilio refuses gives its quotas back, so asking again is not "already sent"', async () => {
    const { send, twilio } = setup();
    const refused = { to: '+8613900000999' };
    const original = twilio.sendSms.bind(twilio);
    twilio.sendSms = async () => Promise.reject(new Error('Twilio is down'));
    expect(await send(refused)).toEqual({ kind: 'failed' });
    twilio.sendSms = original;
    expect(await send(refused)).toEqual({ kind: 'sent' });
  });

  it('a stranger is no security event; a limit is, naming the call, the SMS and why, never the number', async () => {
    const { send, events } = setup();
    expect(await send({ to: '' })).toEqual({ kind: 'refused', reason: 'noNumber' });
    expect(events).toEqual([]);
    await send({});
    await send({});
    expect(events).toEqual([{ kind: 'sms-refused', details: { callSid: `CA${'1'.repeat(32)}`, reason: 'alreadySent', sms: 'sms.techSupport.appCrash' } }]);
  });

  it('every outcome has its notice in both catalogues', () => {
    const reasons = ['noNumber', 'notMobile', 'alreadySent', 'callLimit', 'numberLimit', 'codeLimit'] as const;
    const outcomes: SmsOutcome[] = [{ kind: 'sent' }, { kind: 'failed' }, ...reasons.map((reason) => ({ kind: 'refused' as const, reason }))];
    for (const outcome of outcomes) expect(catalogue.missing([smsNotice(outcome)])).toEqual([]);
  });
});

import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { ALICE, bearer } from '../agent-api/agent-test-kit';
import { logCapture } from '../support/log-capture';
import { prompt, someCaller, startTestHotline, type TestHotline } from '../support/test-app';
import { startIdentityHotline, WALLETS, type IdentityHotline } from '../identity/support/identity-hotline';

/**
 * SPEC §3 SMS limits (SMS pumping, toll fraud), through whole calls: at most 1 SMS of each kind and 3
 * per call (one-time codes apart), at most 10 to one number a day, at most 5 codes per wallet an
 * hour, only to a textable mobile number; the caller hears why, and each refusal is a security event.
 */
const HOUR = 3_600_000;

describe('SMS limits of menu SMS (Redis)', () => {
  let hotline: TestHotline;
  const capture = logCapture();
  beforeAll(async () => {
    hotline = await startTestHotline({ logDestination: capture.stream, logLevel: 'warn' });
  });
  afterAll(() => hotline.close());

  const smsTo = (number: string) => hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.to === number);

  /** Main menu → 3 → topic `key` → 1 (send the steps by SMS) → # back to menu 3. */
  async function techSms(call: TwilioCallDriver, key: '1' | '2' | '3'): Promise<string[]> {
    await call.press(key);
    await call.press('1');
    const heard = call.heard;
    await call.press('#');
    return heard;
  }

  it('one of each kind per call: pressing "send by SMS" 30 times sends one', async () => {
    const call = await hotline.call().dial();
    await call.press('3');
    await call.press('1');
    for (let press = 0; press < 30; press++) await call.press('1');
    expect(call.heard).toEqual([prompt('sms.refused.alreadySent'), prompt('techSupport.appCrash')]);
    expect(smsTo(call.from)).toHaveLength(1);
  });

  it('three kinds per call; the fourth is refused with "no more SMS in this call", and a security event', async () => {
    const logsFrom = capture.count();
    const call = await hotline.call().dial();
    await call.press('3');
    for (const key of ['1', '2', '3'] as const) expect((await techSms(call, key))[0]).toBe(prompt('sms.sent'));
    await call.press('#');
    await call.press('4');
    await call.press('1');
    await call.press('1');
    expect(call.heard).toEqual([prompt('sms.refused.callLimit'), prompt('features.payments')]);
    expect(smsTo(call.from)).toHaveLength(3);
    const events = capture
      .text(logsFrom)
      .split('\n')
      .filter((line) => line.includes('"securityEvent":"sms-refused"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toEqual([expect.objectContaining({ level: 40, callSid: call.callSid, reason: 'callLimit', sms: 'sms.features.payments' })]);
    expect(JSON.stringify(events)).not.toContain(call.from.slice(3));
  });

  it('ten per number a day across calls; the eleventh is refused, other numbers are not; a day later it goes again', async () => {
    const number = someCaller();
    const heard: string[] = [];
    for (let n = 0; n < 4; n++) {
      const call = await hotline.call({ from: number }).dial();
      await call.press('3');
      for (const key of ['1', '2', '3'] as const) heard.push((await techSms(call, key))[0]!);
    }
    expect(heard.filter((said) => said === prompt('sms.sent'))).toHaveLength(10);
    expect(heard.slice(10)).toEqual([prompt('sms.refused.numberLimit'), prompt('sms.refused.numberLimit')]);
    expect(smsTo(number)).toHaveLength(10);

    const other = await hotline.call().dial();
    await other.press('3');
    expect((await techSms(other, '1'))[0]).toBe(prompt('sms.sent'));

    hotline.clock.advance(24 * HOUR);
    const tomorrow = await hotline.call({ from: number }).dial();
    await tomorrow.press('3');
    expect((await techSms(tomorrow, '1'))[0]).toBe(prompt('sms.sent'));
  });

  it.each([
    ['a landline', '+861088886666'],
    ['a number outside SMS_COUNTRY_CODES', '+14155550123'],
  ])('only to a textable mobile number: %s hears why and gets nothing', async (_label, from) => {
    const call = await hotline.call({ from }).dial();
    await call.press('3');
    expect((await techSms(call, '2'))[0]).toBe(prompt('sms.refused.notMobile'));
    expect(smsTo(from)).toEqual([]);
  });
});

describe('what the agent is told, and the wrap-up summary (Redis, the real queue)', () => {
  let hotline: TestHotline;
  beforeEach(async () => {
    hotline = await startTestHotline();
  });
  afterEach(() => hotline.close());

  const api = (method: 'PUT' | 'POST', url: string, payload?: object) =>
    hotline.app.inject({ method, url, headers: bearer(ALICE), ...(payload ? { payload } : {}) });
  const smsOf = (call: TwilioCallDriver) => hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.callSid === call.callSid);

  /** Menu 3 → `key` → 1 (send the steps) for each key, then 2: an agent takes the caller; their context. */
  async function texted(from: string, keys: Array<'1' | '2' | '3'>) {
    const call = await hotline.call({ from }).dial();
    await call.press('3');
    for (const key of keys) {
      await call.press(key);
      await call.press('1');
      await call.press('#');
    }
    await call.press('1');
    await call.press('2');
    expect((await api('PUT', '/agent/availability', { available: true })).statusCode).toBe(200);
    const claimed = await api('POST', '/agent/claims');
    expect(claimed.json()).toMatchObject({ callSid: call.callSid });
    // Alice answers her phone.
    const record = await hotline.records.get(call.callSid);
    expect((await hotline.records.answered(call.callSid, record!.token!)).kind).toBe('done');
    return { call, context: claimed.json() as { selfService: Array<{ kind: string }> } };
  }

  it('a landline caller who asked for an SMS is not shown to the agent as texted', async () => {
    const { context } = await texted('+861088886666', ['2']);
    expect(context.selfService.map((entry) => entry.kind)).not.toContain('smsSent');
  });

  it("the agent's wrap-up summary counts against the call's SMS: after three, it is refused and the wrap-up stands", async () => {
    const { call, context } = await texted(someCaller(), ['1', '2', '3']);
    expect(context.selfService.filter((entry) => entry.kind === 'smsSent')).toHaveLength(3);
    expect(smsOf(call)).toHaveLength(3);
    const wrapped = await api('POST', `/agent/calls/${call.callSid}/wrap-up`, { note: 'Helped', resolved: true, summary: '已为您处理。' });
    expect(wrapped.statusCode).toBe(200);
    expect(wrapped.json()).toEqual({ summarySms: 'refused' });
    expect(smsOf(call)).toHaveLength(3);
    expect(await hotline.records.get(call.callSid)).toMatchObject({ wrapUp: { summary: '已为您处理。' } });
  });
});

describe('SMS limits are configurable', () => {
  it('SMS_MAX_PER_CALL=1 and SMS_COUNTRY_CODES=86,1 (a US caller gets texts)', async () => {
    const hotline = await startTestHotline({ store: 'memory', env: { SMS_MAX_PER_CALL: '1', SMS_COUNTRY_CODES: '86,1' } });
    try {
      const call = await hotline.call({ from: '+14155550123' }).dial();
      await call.press('3');
      await call.press('1');
      await call.press('1');
      expect(call.heard[0]).toBe(prompt('sms.sent'));
      await call.press('#');
      await call.press('2');
      await call.press('1');
      expect(call.heard[0]).toBe(prompt('sms.refused.callLimit'));
    } finally {
      await hotline.close();
    }
  });
});

describe('one-time codes: at most 5 per wallet an hour, only to the registered number (Redis)', () => {
  let hotline: IdentityHotline;
  beforeAll(async () => {
    hotline = await startIdentityHotline();
  });
  afterAll(() => hotline.close());

  const { phone, pin } = WALLETS.passwordLocked;

  /** Account 1-2 (L2) from `from`: the registered number typed when it is not the caller ID, the PIN, then the code is sent. */
  async function toCode(from: string): Promise<TwilioCallDriver> {
    const call = await hotline.call({ from }).dial();
    await call.press('1');
    await call.press('2');
    if (from !== phone) await call.press(phone.slice(3));
    await call.press(pin);
    return call;
  }

  it('the sixth code within the hour is refused and the caller hears why, also for *; an hour later codes go again', async () => {
    const callers = [phone, someCaller(), someCaller()];
    for (let n = 0; n < 5; n++) expect((await toCode(callers[n % 3]!)).heard).toEqual([prompt('identity.code')]);
    // Whoever calls, codes go only to the registered number.
    expect(hotline.codesSentTo(phone)).toHaveLength(5);
    expect(hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.to !== phone)).toEqual([]);

    for (const from of [callers[2]!, phone]) expect((await toCode(from)).heard).toEqual([prompt('identity.codeLimited')]);
    expect(hotline.codesSentTo(phone)).toHaveLength(5);

    hotline.clock.advance(HOUR);
    const later = await toCode(phone);
    expect(later.heard).toEqual([prompt('identity.code')]);
    for (let n = 0; n < 4; n++) expect((await toCode(callers[1]!)).heard).toEqual([prompt('identity.code')]);
    // A fresh code by * would be the sixth of the hour: refused, and the code already sent still works.
    await later.press('*');
    expect(later.heard).toEqual([prompt('identity.codeResendLimited'), prompt('identity.code')]);
    await later.press(hotline.codesSentTo(phone).at(-5)!);
    expect(later.heard).toEqual([prompt('account.unlockOffer')]);
    expect(hotline.codesSentTo(phone)).toHaveLength(10);
  });
});

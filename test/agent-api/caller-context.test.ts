import { AgentDirectory, hashAgentToken } from '../../src/agents/agent-directory';
import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { startIdentityHotline, WALLETS, type IdentityHotline } from '../identity/support/identity-hotline';
import { ManualClock } from '../support/test-app';
import { bearer } from './agent-test-kit';

/** Two agents who serve both tiers and read the caller's context in their own language. */
const MEI = 'mei-token';
const ERIN = 'erin-token';
const agents = new AgentDirectory({
  agents: [
    { id: 'mei', name: 'Mei', tiers: ['tier1', 'tier2'], contact: 'client:mei', language: 'zh-CN', tokenHash: hashAgentToken(MEI) },
    { id: 'erin', name: 'Erin', tiers: ['tier1', 'tier2'], contact: 'client:erin', language: 'en-US', tokenHash: hashAgentToken(ERIN) },
  ],
});

const FAILED_TRANSFER = 'TX20261123000418';
const { phone, pin } = WALLETS.active;

/**
 * SPEC §5: the agent who takes a caller sees what the IVR already did — the intent in their
 * words, the menus walked, what was done — so they ask nothing twice. Whole calls through signed
 * webhooks into the real queue, taken through the agent API.
 */
describe('the caller context an agent takes over (whole calls, Redis)', () => {
  let hotline: IdentityHotline;
  /** Every agent API answer of the test, to search for secrets. */
  let bodies: string[];

  const start = async (clock = new ManualClock(), env: Record<string, string> = {}) => {
    hotline = await startIdentityHotline({ desk: 'queue', clock, deps: { agents }, env });
  };
  afterEach(async () => {
    try {
      // Never a PIN or one-time code, never the caller's full number, in anything an agent was given.
      const secrets = [pin, ...codesSent(), '13800000001'];
      for (const body of bodies) for (const secret of secrets) expect({ body, secret, found: body.includes(secret) }).toEqual({ body, secret, found: false });
    } finally {
      await hotline.close();
    }
  });
  beforeEach(() => {
    bodies = [];
  });

  /** The one-time codes texted so far (not the case numbers of other SMS). */
  const codesSent = () =>
    hotline.twilio
      .outbox()
      .flatMap((entry) => (entry.kind === 'sms' ? [/验证码是(\d{6})/.exec(entry.body)?.[1]] : []))
      .filter((code): code is string => code !== undefined);

  async function api(method: 'GET' | 'PUT' | 'POST', url: string, token: string, payload?: object) {
    const response = await hotline.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
    bodies.push(response.body);
    return response;
  }

  /** The agent marks themselves available and takes the next caller: the claim's body. */
  async function claim(token: string) {
    expect((await api('PUT', '/agent/availability', token, { available: true })).statusCode).toBe(200);
    const response = await api('POST', '/agent/claims', token);
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  /** The agent's phone answers the offered call (what the agent-answered webhook records). */
  async function answered(callSid: string) {
    const record = await hotline.records.get(callSid);
    expect((await hotline.records.answered(callSid, record!.token!)).kind).toBe('done');
  }

  /** 2 → 2 → PIN: the newest failed transaction read out; then 0 for an agent. */
  async function failedTransactionCaller(): Promise<TwilioCallDriver> {
    const call = await hotline.call({ from: phone }).dial();
    await call.press('2');
    await call.press('2');
    await call.press(pin);
    expect(call.heard[0]).toContain('失败原因是账户余额不足');
    await call.press('0');
    expect(await hotline.position(call.callSid)).toMatchObject({ queue: 'tier1', position: 1 });
    return call;
  }

  it.each([
    {
      agent: 'zh-CN agent',
      token: MEI,
      intentLabel: '交易失败',
      journey: ['主菜单', '交易问题', '交易失败'],
      failed: `10:00 已播报失败交易 ${FAILED_TRANSFER}，失败原因：账户余额不足`,
    },
    {
      agent: 'en-US agent',
      token: ERIN,
      intentLabel: 'Failed transaction',
      journey: ['Main menu', 'Transactions', 'Failed transaction'],
      failed: `10:00 failed transaction ${FAILED_TRANSFER} read out: it failed because of an insufficient balance`,
    },
  ])('transactions → failed transaction → 0, taken by a $agent: the label, the journey and the failed transfer with its reason', async (c) => {
    await start();
    const call = await failedTransactionCaller();

    const context = await claim(c.token);
    expect(context).toMatchObject({
      callSid: call.callSid,
      intent: 'transaction.failed',
      intentLabel: c.intentLabel,
      journey: c.journey,
      subject: { kind: 'transaction', id: FAILED_TRANSFER },
    });
    expect(context.selfService).toEqual([
      {
        kind: 'failedTransactionRead',
        at: '2026-11-25T02:00:00.000Z',
        ref: FAILED_TRANSFER,
        detail: 'insufficientBalance',
        text: c.failed,
      },
    ]);
    // The record says the same to the agent who holds it, also once the call is connected.
    await answered(call.callSid);
    const record = await api('GET', `/agent/calls/${call.callSid}`, c.token);
    expect(record.json()).toMatchObject({ state: 'connected', intentLabel: c.intentLabel, journey: c.journey, selfService: context.selfService });
  });

  it.each([
    { agent: 'zh-CN agent', token: MEI, intentLabel: '挂失/可疑交易（冻结钱包）', frozen: '钱包已于20:31冻结' },
    { agent: 'en-US agent', token: ERIN, intentLabel: 'Fraud or lost phone (freeze the wallet)', frozen: 'Wallet frozen at 20:31' },
  ])('a fraud caller, taken by a $agent, shows the wallet frozen at the time it was', async (c) => {
    await start(new ManualClock(Date.parse('2026-11-25T20:31:00+08:00')));
    const call = await hotline.call({ from: phone }).dial();
    await call.press('5');
    await call.press(pin);
    expect(await hotline.position(call.callSid)).toMatchObject({ queue: 'tier2', position: 1 });

    const context = await claim(c.token);
    expect(context).toMatchObject({ callSid: call.callSid, priority: 'urgent', intentLabel: c.intentLabel });
    expect(context.selfService).toEqual([{ kind: 'walletFrozen', at: '2026-11-25T12:31:00.000Z', text: c.frozen }]);
  });

  it('a caller verified by PIN and SMS code (change of details) brings neither to the agent', async () => {
    await start();
    const call = await hotline.call({ from: phone }).dial();
    await call.press('1');
    await call.press('3');
    await call.press(pin);
    const [code] = codesSent().slice(-1);
    expect(code).toMatch(/^\d{6}$/);
    await call.press(code!);
    expect(await hotline.position(call.callSid)).toMatchObject({ queue: 'tier1' });

    const context = await claim(MEI);
    expect(context).toMatchObject({ identityLevel: 2, intentLabel: '更改手机号码或个人信息', journey: ['主菜单', '账户问题', '更改手机号码或个人信息'] });
    await answered(call.callSid);
    await api('GET', `/agent/calls/${call.callSid}`, MEI);
    // afterEach searches every body for the PIN and the code.
    expect(bodies.length).toBeGreaterThanOrEqual(3);
  });

  describe('the wrap-up summary for the caller', () => {
    const smsOf = (callSid: string) => hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.callSid === callSid);

    it('is texted to the caller with the case number the IVR opened', async () => {
      await start();
      const call = await hotline.call({ from: phone }).dial();
      await call.press('2');
      await call.press('3');
      await call.press(pin);
      await call.press('1');
      expect(await hotline.position(call.callSid)).toMatchObject({ queue: 'tier1' });
      const caseSms = smsOf(call.callSid);
      expect(caseSms).toHaveLength(1);

      const context = await claim(MEI);
      expect(context.subject).toMatchObject({ kind: 'case' });
      const caseId: string = context.subject.id;
      expect(context.selfService.map((entry: { kind: string }) => entry.kind)).toEqual(['refundStatusRead', 'caseOpened', 'smsSent']);
      expect(context.selfService.map((entry: { text: string }) => entry.text)).toEqual([
        '10:00 已播报2笔退款的进度',
        `10:00 已登记调查工单 ${caseId}`,
        '10:00 已短信发送：调查工单号',
      ]);

      await answered(call.callSid);
      const summary = '已核实扣款为重复扣费，3个工作日内退回钱包。';
      const wrapped = await api('POST', `/agent/calls/${call.callSid}/wrap-up`, MEI, { note: 'Duplicate charge; refund ordered', resolved: true, summary });
      expect(wrapped.statusCode).toBe(200);
      expect(wrapped.json()).toEqual({ summarySms: 'sent' });

      const sent = smsOf(call.callSid).slice(caseSms.length);
      expect(sent).toEqual([expect.objectContaining({ kind: 'sms', to: phone, callSid: call.callSid })]);
      const body = (sent[0] as { body: string }).body;
      expect(body).toContain(summary);
      expect(body).toContain(`工单号：${caseId}`);
      expect(body).toMatch(/^【百信数字钱包】/);
      expect((await api('GET', `/agent/calls/${call.callSid}`, MEI)).json().wrapUp).toMatchObject({ note: 'Duplicate charge; refund ordered', summary });
    });

    it('without a case, is texted in the caller\'s language; an empty summary texts nothing', async () => {
      await start();
      const english = await hotline.call({ from: WALLETS.english.phone }).dial();
      await english.press('9');
      await english.press('0');
      await claim(ERIN);
      await answered(english.callSid);
      const summary = 'We re-sent your activation email.';
      expect((await api('POST', `/agent/calls/${english.callSid}/wrap-up`, ERIN, { note: 'Activation', resolved: true, summary })).json()).toEqual({ summarySms: 'sent' });
      expect(smsOf(english.callSid)).toEqual([expect.objectContaining({ to: WALLETS.english.phone })]);
      const body = (smsOf(english.callSid)[0] as { body: string }).body;
      expect(body).toContain(summary);
      expect(body).toMatch(/^Baixin Digital Wallet/);
      expect(body).not.toContain('Case number');

      const quiet = await hotline.call({ from: '+8613900000077' }).dial();
      await quiet.press('0');
      await claim(MEI);
      await answered(quiet.callSid);
      expect((await api('POST', `/agent/calls/${quiet.callSid}/wrap-up`, MEI, { note: 'Asked about fees', resolved: true, summary: '   ' })).statusCode).toBe(204);
      expect(smsOf(quiet.callSid)).toEqual([]);
      expect((await hotline.records.get(quiet.callSid))?.wrapUp).not.toHaveProperty('summary');
    });

    it.each([
      // US numbers allowed, so the SMS gate lets it through to Twilio, which refuses it.
      ['Twilio refuses (an invalid number)', { SMS_COUNTRY_CODES: '86,1' }, [expect.objectContaining({ kind: 'refused', attempted: 'sms', code: 21211, to: '+15005550001' })], 'failed'],
      ['the SMS limits refuse (a number outside SMS_COUNTRY_CODES)', {}, [], 'refused'],
    ])('a summary %s reaches nobody, the agent is told and it is logged; the wrap-up stands', async (_case, env: Record<string, string>, outbox, summarySms) => {
      await start(new ManualClock(), env);
      const call = await hotline.call({ from: '+15005550001' }).dial();
      await call.press('0');
      await claim(MEI);
      await answered(call.callSid);
      const wrapped = await api('POST', `/agent/calls/${call.callSid}/wrap-up`, MEI, { note: 'Helped', resolved: true, summary: '已为您处理。' });
      expect(wrapped.statusCode).toBe(200);
      expect(wrapped.json()).toEqual({ summarySms });
      expect(hotline.twilio.outbox().filter((entry) => entry.callSid === call.callSid && (entry.kind === 'sms' || entry.kind === 'refused'))).toEqual(outbox);
      expect(await hotline.records.get(call.callSid)).toMatchObject({ state: 'closed', wrapUp: { summary: '已为您处理。' } });
    });

    it('sent again after its answer was lost: the same wrap-up is acknowledged and texted once; a different one is refused', async () => {
      await start();
      const call = await hotline.call({ from: phone }).dial();
      await call.press('0');
      await claim(MEI);
      await answered(call.callSid);
      const body = { note: 'Helped', resolved: true, summary: '已为您处理。' };
      expect((await api('POST', `/agent/calls/${call.callSid}/wrap-up`, MEI, body)).json()).toEqual({ summarySms: 'sent' });
      const again = await api('POST', `/agent/calls/${call.callSid}/wrap-up`, MEI, body);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ summarySms: 'alreadySent' });
      expect(smsOf(call.callSid)).toHaveLength(1);
      expect((await api('POST', `/agent/calls/${call.callSid}/wrap-up`, MEI, { ...body, note: 'Helped twice' })).statusCode).toBe(409);
      expect((await hotline.records.get(call.callSid))?.wrapUp).toMatchObject({ note: 'Helped' });

      // Stored, then the instance died before texting it: the resend texts it; one without a summary answers 204.
      const second = await hotline.call({ from: '+8613900000078' }).dial();
      await second.press('0');
      await claim(MEI);
      await answered(second.callSid);
      expect(await hotline.records.wrapUp(second.callSid, { agentId: 'mei', note: 'Helped', resolved: true, summary: '已为您处理。' })).toMatchObject({ kind: 'done' });
      expect((await api('POST', `/agent/calls/${second.callSid}/wrap-up`, MEI, body)).json()).toEqual({ summarySms: 'sent' });
      expect(smsOf(second.callSid)).toHaveLength(1);
      const third = await hotline.call({ from: '+8613900000079' }).dial();
      await third.press('0');
      await claim(MEI);
      await answered(third.callSid);
      const plain = { note: 'Asked about fees', resolved: true };
      expect((await api('POST', `/agent/calls/${third.callSid}/wrap-up`, MEI, plain)).statusCode).toBe(204);
      expect((await api('POST', `/agent/calls/${third.callSid}/wrap-up`, MEI, plain)).statusCode).toBe(204);
    });

    it.each(['anonymous', '+266696687', 'sip:caller@pbx.example.com', 'client:visitor'])('is never texted to a caller without a dialable number (%s)', async (from) => {
      await start();
      const call = await hotline.call({ from }).dial();
      await call.press('0');
      const context = await claim(MEI);
      expect(context).toMatchObject({ callSid: call.callSid, caller: 'withheld', intentLabel: '主菜单', journey: ['主菜单'] });
      await answered(call.callSid);
      const wrapped = await api('POST', `/agent/calls/${call.callSid}/wrap-up`, MEI, { note: 'Helped', resolved: true, summary: '已为您处理。' });
      expect(wrapped.json()).toEqual({ summarySms: 'notDialable' });
      expect(hotline.twilio.outbox().filter((entry) => entry.kind === 'sms')).toEqual([]);
      // The summary is kept with the call all the same.
      expect((await hotline.records.get(call.callSid))?.wrapUp).toMatchObject({ summary: '已为您处理。' });
    });
  });
});

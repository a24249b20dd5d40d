import { SimulatedTwilioGateway } from '../../src/twilio/simulated-twilio-gateway';
import { classifyTwilioError, TwilioRequestError } from '../../src/twilio/twilio-errors';

const NOW = Date.parse('2026-12-01T08:00:00.000Z');
const clock = { now: () => NOW };
const CALL = `CA${'a'.repeat(32)}`;
const OTHER_CALL = `CA${'b'.repeat(32)}`;

/** Twilio's test credentials (https://www.twilio.com/docs/iam/test-credentials): the same number, a different code per API. */
const MAGIC: Array<[string, string, number, number]> = [
  ['+15005550001', 'invalid number', 21211, 21217],
  ['+15005550002', 'cannot route', 21612, 21214],
  ['+15005550003', 'no international permission', 21408, 21215],
  ['+15005550004', 'blocked', 21610, 21216],
];

describe('SimulatedTwilioGateway', () => {
  let gateway: SimulatedTwilioGateway;
  beforeEach(() => {
    gateway = new SimulatedTwilioGateway(clock);
  });

  describe.each(MAGIC)('magic number %s (%s)', (to, _meaning, smsCode, callCode) => {
    it(`refuses an SMS with ${smsCode}, terminal, and records the refusal`, async () => {
      const failure = gateway.sendSms({ to, body: 'Your code is 123456', callSid: CALL });
      await expect(failure).rejects.toBeInstanceOf(TwilioRequestError);
      const error = await failure.catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ operation: 'sms', code: smsCode, status: 400 });
      expect(classifyTwilioError(error)).toEqual({ code: smsCode, status: 400, terminal: true, transient: false });
      expect(gateway.outbox()).toEqual([
        { kind: 'refused', attempted: 'sms', code: smsCode, reason: expect.stringContaining(String(smsCode)), to, callSid: CALL, at: '2026-12-01T08:00:00.000Z' },
      ]);
      // A refused SMS was never sent: its body (a one-time code, perhaps) is not in the outbox.
      expect(JSON.stringify(gateway.outbox())).not.toContain('123456');
    });

    it(`refuses an outbound call with ${callCode}, terminal, and records the refusal`, async () => {
      const failure = gateway.createCall({ to, twiml: '<Response/>', forCallSid: CALL });
      await expect(failure).rejects.toMatchObject({ operation: 'call', code: callCode, terminal: true, transient: false });
      expect(gateway.outbox()).toEqual([
        { kind: 'refused', attempted: 'call', code: callCode, reason: expect.any(String), to, callSid: CALL, at: '2026-12-01T08:00:00.000Z' },
      ]);
    });
  });

  it('refuses an SMS to +15005550009 (not a mobile number) with 21614', async () => {
    await expect(gateway.sendSms({ to: '+15005550009', body: 'hi' })).rejects.toMatchObject({ code: 21614, terminal: true });
    expect(gateway.outbox()[0]).not.toHaveProperty('callSid');
  });

  it('refuses updates of a call that has ended with 21220, and only of that call', async () => {
    await gateway.updateCall(CALL, { twiml: '<Response><Say>one</Say></Response>' });
    gateway.callEnded(CALL);
    const failure = gateway.updateCall(CALL, { twiml: '<Response><Say>two</Say></Response>' });
    await expect(failure).rejects.toMatchObject({ operation: 'call-update', code: 21220, terminal: true });
    await expect(gateway.updateCall(CALL, { status: 'completed' })).rejects.toMatchObject({ code: 21220 });
    await gateway.updateCall(OTHER_CALL, { url: 'https://hotline.example/voice/x' });

    expect(gateway.outbox().map((entry) => entry.kind)).toEqual(['call-update', 'refused', 'refused', 'call-update']);
    expect(gateway.outbox()[1]).toEqual({
      kind: 'refused',
      attempted: 'call-update',
      code: 21220,
      reason: 'Twilio error 21220: call is not in progress',
      callSid: CALL,
      at: '2026-12-01T08:00:00.000Z',
    });
  });

  it('sends to ordinary numbers as before, with the outbox entries of old', async () => {
    await gateway.sendSms({ to: '+8613800000001', body: 'Your code is 654321', callSid: CALL });
    await gateway.updateCall(CALL, { twiml: '<Response/>' });
    const sid = await gateway.createCall({ to: '+8613800000001', url: 'https://hotline.example/voice/callback', forCallSid: CALL });
    // The valid test sender (+15005550006) and numbers next to the magic ones are ordinary too.
    await gateway.sendSms({ to: '+15005550006', body: 'ok' });
    await gateway.createCall({ to: '+15005550005', twiml: '<Response/>' });

    expect(sid).toMatch(/^CA[0-9a-f]{32}$/);
    const at = '2026-12-01T08:00:00.000Z';
    expect(gateway.outbox()).toEqual([
      { kind: 'sms', to: '+8613800000001', body: 'Your code is 654321', callSid: CALL, at },
      { kind: 'call-update', callSid: CALL, twiml: '<Response/>', at },
      { kind: 'call', sid, to: '+8613800000001', twiml: undefined, url: 'https://hotline.example/voice/callback', callSid: CALL, at },
      { kind: 'sms', to: '+15005550006', body: 'ok', callSid: undefined, at },
      { kind: 'call', sid: expect.stringMatching(/^CA/), to: '+15005550005', twiml: '<Response/>', url: undefined, callSid: undefined, at },
    ]);
  });

  it('a call that ended does not stop SMS to its caller or new calls', async () => {
    gateway.callEnded(CALL);
    await gateway.sendSms({ to: '+8613800000001', body: 'Sorry we missed you', callSid: CALL });
    await gateway.createCall({ to: '+8613800000001', twiml: '<Response/>', forCallSid: CALL });
    expect(gateway.outbox().map((entry) => entry.kind)).toEqual(['sms', 'call']);
  });
});

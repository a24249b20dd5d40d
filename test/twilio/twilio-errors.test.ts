import nock from 'nock';
import RestException from 'twilio/lib/base/RestException';
import { LiveTwilioGateway } from '../../src/twilio/live-twilio-gateway';
import { classifyTwilioError, TERMINAL_TWILIO_CODES, TwilioRequestError } from '../../src/twilio/twilio-errors';

const ACCOUNT = `AC${'b'.repeat(32)}`;
const CALL = `CA${'1'.repeat(32)}`;
const API = 'https://api.twilio.com';

function restException(status: number, code?: number, message = "The 'To' number +8613800000001 is not a valid phone number.") {
  return new RestException({ statusCode: status, body: code === undefined ? 'not json' : { code, message, more_info: `https://www.twilio.com/docs/errors/${code}` } });
}

describe('classifyTwilioError', () => {
  it.each([21220, 21210, 21211, 21214, 21215, 21216, 21217, 21408, 21610, 21612, 21614])('treats Twilio error %i as terminal', (code) => {
    expect(classifyTwilioError(restException(400, code))).toEqual({ code, status: 400, terminal: true, transient: false });
  });

  it.each([500, 502, 503, 504, 429, 408])('treats HTTP %i as transient', (status) => {
    expect(classifyTwilioError(restException(status, 20500))).toMatchObject({ code: 20500, status, terminal: false, transient: true });
  });

  it('treats a 5xx without a JSON body as transient, with no code', () => {
    expect(classifyTwilioError(restException(503))).toEqual({ code: null, status: 503, terminal: false, transient: true });
  });

  it('treats network errors, timeouts and unknown throws as transient (no answer from Twilio)', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const timeout = Object.assign(new Error('timeout of 5000ms exceeded'), { code: 'ECONNABORTED', isAxiosError: true });
    for (const error of [reset, timeout, new Error('boom'), 'a string']) {
      expect(classifyTwilioError(error)).toEqual({ code: null, status: null, terminal: false, transient: true });
    }
  });

  it('treats any other refusal as neither: not about the call, and retrying will not help', () => {
    expect(classifyTwilioError(restException(401, 20003))).toEqual({ code: 20003, status: 401, terminal: false, transient: false });
    expect(classifyTwilioError(restException(400, 21604))).toEqual({ code: 21604, status: 400, terminal: false, transient: false });
  });

  it('knows a terminal code even without an HTTP status, and reads a TwilioRequestError as it is', () => {
    expect(classifyTwilioError({ code: 21220 })).toMatchObject({ code: 21220, terminal: true });
    const error = TwilioRequestError.refused('call-update', 21220);
    expect(classifyTwilioError(error)).toEqual({ code: 21220, status: 400, terminal: true, transient: false });
    expect(TERMINAL_TWILIO_CODES.get(21220)).toMatch(/not in progress/);
  });

  it('keeps Twilio’s own message (which quotes phone numbers) out of the error’s message and enumerable fields', () => {
    const error = TwilioRequestError.from('sms', restException(400, 21211));
    expect(error.message).toBe("Twilio error 21211 (invalid 'To' number), HTTP 400");
    expect(JSON.stringify(error)).not.toContain('8613800000001');
    expect(Object.keys(error)).not.toContain('source');
    expect((error.source as RestException).moreInfo).toContain('21211');
  });
});

describe('LiveTwilioGateway errors (nock)', () => {
  afterEach(() => nock.cleanAll());
  const gateway = (timeoutMs?: number) => new LiveTwilioGateway(ACCOUNT, 'token', '+15005550006', { timeoutMs });

  it('turns RestException into a classified TwilioRequestError', async () => {
    nock(API)
      .post(`/2010-04-01/Accounts/${ACCOUNT}/Calls/${CALL}.json`)
      .reply(400, { code: 21220, message: 'Call is not in-progress. Cannot redirect.', status: 400 });
    const failure = gateway().updateCall(CALL, { twiml: '<Response/>' });
    await expect(failure).rejects.toBeInstanceOf(TwilioRequestError);
    await expect(failure).rejects.toMatchObject({ operation: 'call-update', code: 21220, status: 400, terminal: true, transient: false });
  });

  it('reports a 503 as transient', async () => {
    nock(API).post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`).reply(503, { code: 20503, message: 'Service unavailable' });
    await expect(gateway().sendSms({ to: '+8613800000001', body: 'hi' })).rejects.toMatchObject({ operation: 'sms', status: 503, transient: true });
  });

  it('reports a refused connection as transient', async () => {
    nock(API).post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    await expect(gateway().sendSms({ to: '+8613800000001', body: 'hi' })).rejects.toMatchObject({ code: null, status: null, transient: true });
  });

  it('gives up on a hung request after its timeout (twilio-node `timeout`), as a transient failure', async () => {
    nock(API).post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`).delay(1000).reply(201, { sid: 'SM1' });
    const started = Date.now();
    const failure = gateway(300).sendSms({ to: '+8613800000001', body: 'hi' });
    await expect(failure).rejects.toMatchObject({ status: null, transient: true, message: expect.stringMatching(/timeout of 300ms exceeded/) });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('still returns the new call’s sid on success', async () => {
    nock(API).post(`/2010-04-01/Accounts/${ACCOUNT}/Calls.json`).reply(201, { sid: CALL, status: 'queued' });
    await expect(gateway().createCall({ to: '+8613800000001', twiml: '<Response/>' })).resolves.toBe(CALL);
  });
});

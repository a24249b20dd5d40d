import { callFields, DEFAULT_FROM, DEFAULT_TO, newCallSid, signTwilioRequest, webhookHeaders } from '../../scripts/lib/twilio-form';
import { injectWebhook, prompt, startTestHotline, TEST_AUTH_TOKEN, TEST_BASE_URL, type TestHotline } from '../support/test-app';

/** The fields Twilio posts with every voice webhook. */
function twilioParams(callSid: string, extra: Record<string, string> = {}): Record<string, string> {
  return callFields({ callSid, from: DEFAULT_FROM, to: DEFAULT_TO }, { CallStatus: 'ringing', ...extra });
}

const sign = (url: string, params: Record<string, string>, token = TEST_AUTH_TOKEN) => signTwilioRequest(token, url, params);

describe('every webhook must carry a valid X-Twilio-Signature', () => {
  let hotline: TestHotline;
  beforeAll(async () => {
    hotline = await startTestHotline();
  });
  afterAll(() => hotline.close());

  async function post(path: string, params: Record<string, string>, signature: string | undefined, contentType?: string) {
    return injectWebhook(hotline.app, { url: `${TEST_BASE_URL}${path}`, form: params, signature }, contentType);
  }

  describe('a new call is refused, and nothing is stored, when', () => {
    const cases: Array<[string, (sid: string) => { path: string; params: Record<string, string>; signature: string | undefined }]> = [
      ['the signature header is missing', (sid) => ({ path: '/voice/incoming', params: twilioParams(sid), signature: undefined })],
      ['the signature is empty', (sid) => ({ path: '/voice/incoming', params: twilioParams(sid), signature: '' })],
      ['the signature is garbage', (sid) => ({ path: '/voice/incoming', params: twilioParams(sid), signature: 'bm90IGEgc2lnbmF0dXJl' })],
      [
        'it is signed with another auth token',
        (sid) => {
          const params = twilioParams(sid);
          return { path: '/voice/incoming', params, signature: sign(`${TEST_BASE_URL}/voice/incoming`, params, 'another-token') };
        },
      ],
      [
        'it is signed for another host',
        (sid) => {
          const params = twilioParams(sid);
          return { path: '/voice/incoming', params, signature: sign('https://evil.example.test/voice/incoming', params) };
        },
      ],
      [
        'it is signed for http instead of https',
        (sid) => {
          const params = twilioParams(sid);
          return { path: '/voice/incoming', params, signature: sign('http://hotline.example.test/voice/incoming', params) };
        },
      ],
      [
        'it is signed for another path',
        (sid) => {
          const params = twilioParams(sid);
          return { path: '/voice/incoming', params, signature: sign(`${TEST_BASE_URL}/voice/recover`, params) };
        },
      ],
      [
        'it is signed for another query',
        (sid) => {
          const params = twilioParams(sid);
          return { path: '/voice/recover?attempt=1', params, signature: sign(`${TEST_BASE_URL}/voice/recover?attempt=2`, params) };
        },
      ],
      [
        'a field was changed after signing',
        (sid) => {
          const params = twilioParams(sid);
          const signature = sign(`${TEST_BASE_URL}/voice/incoming`, params);
          return { path: '/voice/incoming', params: { ...params, From: '+8613800000001' }, signature };
        },
      ],
      [
        'a field was added after signing',
        (sid) => {
          const params = twilioParams(sid);
          const signature = sign(`${TEST_BASE_URL}/voice/incoming`, params);
          return { path: '/voice/incoming', params: { ...params, StirVerstat: 'TN-Validation-Passed-A' }, signature };
        },
      ],
      [
        'a field was removed after signing',
        (sid) => {
          const params = twilioParams(sid);
          const signature = sign(`${TEST_BASE_URL}/voice/incoming`, params);
          const { Caller: _caller, ...rest } = params;
          return { path: '/voice/incoming', params: rest, signature };
        },
      ],
    ];

    it.each(cases)('%s', async (_label, build) => {
      const callSid = newCallSid();
      const { path, params, signature } = build(callSid);
      const response = await post(path, params, signature);
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toContain('<Response');
      expect(await hotline.store.sessions.load(callSid)).toBeNull();
    });
  });

  it('each refusal is a security event in /metrics (hotline_security_events_total{kind="signature-failure"})', async () => {
    const count = async () => {
      const metrics = await hotline.app.inject({ method: 'GET', url: '/metrics' });
      const line = /hotline_security_events_total\{kind="signature-failure"\} (\d+)/.exec(metrics.body);
      return Number(line?.[1]);
    };
    const before = await count();
    const callSid = newCallSid();
    const response = await post('/voice/incoming', twilioParams(callSid), 'bm90IGEgc2lnbmF0dXJl');
    expect(response.statusCode).toBe(403);
    expect(await count()).toBe(before + 1);
  });

  it('a valid signature is answered 200 text/xml with the welcome', async () => {
    const callSid = newCallSid();
    const params = twilioParams(callSid);
    const response = await post('/voice/incoming', params, sign(`${TEST_BASE_URL}/voice/incoming`, params));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    expect(response.body).toContain(prompt('main.welcome'));
    expect(await hotline.store.sessions.load(callSid)).toMatchObject({ revision: 1 });
  });

  it('unknown fields that Twilio adds are accepted as long as they are signed', async () => {
    const callSid = newCallSid();
    const params = twilioParams(callSid, { SomeFutureField: 'x', StirVerstat: 'TN-Validation-Passed-A' });
    const response = await post('/voice/incoming', params, sign(`${TEST_BASE_URL}/voice/incoming`, params));
    expect(response.statusCode).toBe(200);
  });

  describe('on a call in progress, a bad webhook changes nothing', () => {
    it.each([
      ['unsigned', (_url: string, _params: Record<string, string>) => undefined],
      ['wrong token', (url: string, params: Record<string, string>) => sign(url, params, 'wrong')],
      ['signed for another revision', (url: string, params: Record<string, string>) => sign(url.replace('rev=1', 'rev=7'), params)],
      ['Digits tampered after signing', (url: string, params: Record<string, string>) => sign(url, { ...params, Digits: '4' })],
      ['Digits added after signing', (url: string, params: Record<string, string>) => {
        const { Digits: _digits, ...rest } = params;
        return sign(url, rest);
      }],
    ])('%s → 403, revision unchanged', async (_label, signatureFor) => {
      const call = await hotline.call().dial();
      const before = await hotline.store.sessions.load(call.callSid);
      expect(before?.revision).toBe(1);
      const url = call.gather!.action;
      expect(url).toBe(`${TEST_BASE_URL}/voice/gather?rev=1`);
      const params = twilioParams(call.callSid, { Digits: '3', CallStatus: 'in-progress' });
      const response = await post(url.slice(TEST_BASE_URL.length), params, signatureFor(url, params));
      expect(response.statusCode).toBe(403);
      expect(await hotline.store.sessions.load(call.callSid)).toEqual(before);

      // The genuine webhook still works afterwards: the bad one did not consume the revision.
      await call.press('3');
      expect(call.heard).toEqual([prompt('techSupport.menu')]);
    });

    it('a tampered status callback does not end the call', async () => {
      const call = await hotline.call().dial();
      const before = await hotline.store.sessions.load(call.callSid);
      const params = twilioParams(call.callSid, { CallStatus: 'completed' });
      const signature = sign(`${TEST_BASE_URL}/voice/status`, { ...params, CallStatus: 'in-progress' });
      const response = await post('/voice/status', params, signature);
      expect(response.statusCode).toBe(403);
      expect(await hotline.store.sessions.load(call.callSid)).toEqual(before);
    });
  });

  describe('bodies that are not Twilio form posts are refused with 4xx', () => {
    it('a JSON body, even with a signature computed over its fields', async () => {
      const callSid = newCallSid();
      const params = twilioParams(callSid);
      const response = await hotline.app.inject({
        method: 'POST',
        url: '/voice/incoming',
        payload: JSON.stringify(params),
        headers: webhookHeaders(sign(`${TEST_BASE_URL}/voice/incoming`, params), 'application/json'),
      });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(await hotline.store.sessions.load(callSid)).toBeNull();
    });

    it('a text/plain body', async () => {
      const callSid = newCallSid();
      const params = twilioParams(callSid);
      const response = await post('/voice/incoming', params, sign(`${TEST_BASE_URL}/voice/incoming`, params), 'text/plain');
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(await hotline.store.sessions.load(callSid)).toBeNull();
    });

    it('no content type at all', async () => {
      const callSid = newCallSid();
      const response = await hotline.app.inject({ method: 'POST', url: '/voice/incoming', payload: `CallSid=${callSid}` });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(await hotline.store.sessions.load(callSid)).toBeNull();
    });
  });
});

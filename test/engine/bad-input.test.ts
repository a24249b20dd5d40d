import twilio from 'twilio';
import { FLOW_VERSION } from '../../flows/call-flow';
import { newCallSid } from '../../scripts/lib/twilio-call-driver';
import { readTwiml, spokenText } from '../../scripts/lib/twiml-reader';
import type { Store } from '../../src/store/store';
import { prompt, startTestHotline, TEST_AUTH_TOKEN, TEST_BASE_URL, type TestHotline } from '../support/test-app';

function params(callSid: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    ...(callSid === undefined ? {} : { CallSid: callSid }),
    From: '+8613900000000',
    To: '+8640000000000',
    Direction: 'inbound',
    CallStatus: 'in-progress',
    ...extra,
  };
}

/** A session as the engine stores it, at the main menu; tests spoil one part of it. */
function session(callSid: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    format: 1,
    flowVersion: FLOW_VERSION,
    callSid,
    from: '+8613900000000',
    to: '+8640000000000',
    language: 'zh-CN',
    facts: { identityLevel: 0 },
    menu: 'main',
    stack: [],
    snapshot: { value: 'menu', context: { facts: { identityLevel: 0 }, strikes: 0, vars: {}, exit: null } },
    phase: 'menu',
    startedAt: 0,
    ...overrides,
  });
}

describe('bad input never reaches the caller as an application error', () => {
  let hotline: TestHotline;
  beforeAll(async () => {
    hotline = await startTestHotline();
  });
  afterAll(() => hotline.close());

  /** A correctly signed form post of `fields` (or of a raw body whose fields are `fields`). */
  async function signedPost(path: string, fields: Record<string, string>, rawBody?: string) {
    return hotline.app.inject({
      method: 'POST',
      url: path,
      payload: rawBody ?? new URLSearchParams(fields).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, `${TEST_BASE_URL}${path}`, fields),
      },
    });
  }

  const expectClientError = (status: number) => {
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  };

  describe('webhook bodies', () => {
    it('a signed post without CallSid is a 4xx and stores nothing', async () => {
      const response = await signedPost('/voice/incoming', params(undefined));
      expectClientError(response.statusCode);
    });

    it.each(['CA123', 'not-a-call', `CA${'g'.repeat(32)}`, `XX${'a'.repeat(32)}`, `CA${'a'.repeat(33)}`, ''])(
      'a malformed CallSid %p is a 4xx and stores nothing',
      async (callSid) => {
        const response = await signedPost('/voice/incoming', params(callSid));
        expectClientError(response.statusCode);
        if (callSid) expect(await hotline.store.sessions.load(callSid)).toBeNull();
      },
    );

    it('a From of 10 kB is refused, not stored', async () => {
      const callSid = newCallSid();
      const response = await signedPost('/voice/incoming', params(callSid, { From: '+86'.padEnd(10_240, '1') }));
      expectClientError(response.statusCode);
      expect(await hotline.store.sessions.load(callSid)).toBeNull();
    });

    it('a body over 64 kB is 413', async () => {
      const callSid = newCallSid();
      const response = await signedPost('/voice/incoming', params(callSid, { Padding: 'x'.repeat(70 * 1024) }));
      expect(response.statusCode).toBe(413);
      expect(await hotline.store.sessions.load(callSid)).toBeNull();
    });

    it('an oversized SpeechResult is treated as not understood: wrong-key hint', async () => {
      const call = await hotline.call().dial();
      await call.send(call.gather!.action, { SpeechResult: '技术'.repeat(2000), Confidence: '0.9' });
      expect(call.heard).toEqual([prompt('hint.wrongKey'), prompt('main.menu')]);
    });

    it.each(['abc', '1a', '3;DROP', '１'])('Digits %p (not keypad keys) → 200 and the wrong-key hint', async (digits) => {
      const call = await hotline.call().dial();
      await call.send(call.gather!.action, { Digits: digits });
      expect(call.status).toBe(200);
      expect(call.heard).toEqual([prompt('hint.wrongKey'), prompt('main.menu')]);
    });

    it('a Confidence that is not a number is treated as not understood', async () => {
      const call = await hotline.call().dial();
      await call.send(call.gather!.action, { SpeechResult: '技术支持', Confidence: 'very' });
      expect(call.heard).toEqual([prompt('hint.wrongKey'), prompt('main.menu')]);
    });

    it('a Digits field sent twice is a wrong key, not a crash', async () => {
      const call = await hotline.call().dial();
      const path = new URL(call.gather!.action).pathname + new URL(call.gather!.action).search;
      const fields = params(call.callSid);
      const raw = `${new URLSearchParams(fields).toString()}&Digits=3&Digits=4`;
      const response = await hotline.app.inject({
        method: 'POST',
        url: path,
        payload: raw,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, call.gather!.action, {
            ...fields,
            Digits: ['3', '4'],
          } as unknown as Record<string, string>),
        },
      });
      expect(response.statusCode).toBeLessThan(500);
      if (response.statusCode === 200) {
        expect(spokenText(readTwiml(response.body))).toEqual([prompt('hint.wrongKey'), prompt('main.menu')]);
      }
    });

    it.each([
      ['percent signs that decode to nothing', (body: string) => `${body}&%zz=%E4%B8&%=%`],
      ['empty pairs and keys', (body: string) => `&&${body}&=x&&y`],
      ['a NUL byte', (body: string) => `${body}&Digits=1%00`],
      ['pure garbage', () => '\u0000\u0001<<>>&&&==='],
    ])('a broken form body (%s) is never a 5xx', async (_label, spoil) => {
      const call = await hotline.call().dial();
      const action = new URL(call.gather!.action);
      const raw = spoil(new URLSearchParams(params(call.callSid)).toString());
      const fields = Object.fromEntries(new URLSearchParams(raw));
      const response = await signedPost(action.pathname + action.search, fields, raw);
      expect(response.statusCode).toBeLessThan(500);
      if (response.statusCode === 200) expect(response.headers['content-type']).toMatch(/^text\/xml/);
    });

    it('a gather without the rev query is a 4xx and changes nothing', async () => {
      const call = await hotline.call().dial();
      const before = await hotline.store.sessions.load(call.callSid);
      for (const path of ['/voice/gather', '/voice/gather?rev=', '/voice/gather?rev=abc', '/voice/gather?rev=-1', '/voice/no-input']) {
        const response = await signedPost(path, params(call.callSid, { Digits: '3' }));
        expectClientError(response.statusCode);
      }
      expect(await hotline.store.sessions.load(call.callSid)).toEqual(before);
    });

    it('unknown routes and methods are 4xx', async () => {
      expectClientError((await signedPost('/voice/unknown', params(newCallSid()))).statusCode);
      expectClientError((await hotline.app.inject({ method: 'GET', url: '/voice/incoming' })).statusCode);
      expectClientError((await hotline.app.inject({ method: 'GET', url: '/nothing-here' })).statusCode);
      expectClientError((await hotline.app.inject({ method: 'PUT', url: '/voice/gather?rev=1' })).statusCode);
    });
  });

  describe('stored sessions that this code cannot use restart the call at the main menu', () => {
    async function withStored(data: string) {
      const call = hotline.call();
      expect(await hotline.store.sessions.save(call.callSid, data, 0, 600)).toBe(true);
      return call;
    }

    const spoiled: Array<[string, (callSid: string) => string]> = [
      ['garbage bytes', () => '\u0000not json{{{'],
      ['JSON of another shape', () => JSON.stringify({ hello: 'world' })],
      ['an empty string', () => ''],
      ['an old FLOW_VERSION', (sid) => session(sid, { flowVersion: FLOW_VERSION - 1 })],
      ['a newer FLOW_VERSION', (sid) => session(sid, { flowVersion: FLOW_VERSION + 1 })],
      ['an unknown state', (sid) => session(sid, { snapshot: { value: 'renamedState', context: { facts: { identityLevel: 0 }, strikes: 0, vars: {}, exit: null } } })],
      ['an unknown menu', (sid) => session(sid, { menu: 'lottery' })],
      ['a state value of the wrong type', (sid) => session(sid, { snapshot: { value: 42, context: { facts: { identityLevel: 0 }, strikes: 0, vars: {}, exit: null } } })],
      ['a null context', (sid) => session(sid, { snapshot: { value: 'menu', context: null } })],
      ['a context without strikes', (sid) => session(sid, { snapshot: { value: 'menu', context: { facts: { identityLevel: 0 }, vars: {}, exit: null } } })],
      ['a context with garbage facts', (sid) => session(sid, { snapshot: { value: 'menu', context: { facts: { identityLevel: 7 }, strikes: 0, vars: {}, exit: null } } })],
      ['the final state', (sid) => session(sid, { snapshot: { value: 'exit', context: { facts: { identityLevel: 0 }, strikes: 0, vars: {}, exit: null } } })],
    ];

    it.each(spoiled)('%s, at a gather → error.restart then the main menu', async (_label, data) => {
      const call = await withStored('placeholder');
      await hotline.store.sessions.save(call.callSid, data(call.callSid), 1, 600);
      await call.send(`${TEST_BASE_URL}/voice/gather?rev=2`, { Digits: '3' });
      expect(call.heard).toEqual([prompt('error.restart'), prompt('main.menu')]);
      const stored = await hotline.store.sessions.load(call.callSid);
      expect(stored?.revision).toBe(3);
      expect(JSON.parse(stored!.data)).toMatchObject({ menu: 'main', flowVersion: FLOW_VERSION, phase: 'menu' });
      // The restarted call works.
      await call.press('3');
      expect(call.heard).toEqual([prompt('techSupport.menu')]);
    });

    it.each(spoiled)('%s, at no-input or incoming → the same restart', async (_label, data) => {
      const call = await withStored('placeholder');
      await hotline.store.sessions.save(call.callSid, data(call.callSid), 1, 600);
      await call.send(`${TEST_BASE_URL}/voice/no-input?rev=2`, {});
      expect(call.heard).toEqual([prompt('error.restart'), prompt('main.menu')]);
      const other = await withStored(data(call.callSid));
      await other.dial();
      expect(other.heard).toEqual([prompt('error.restart'), prompt('main.menu')]);
    });

    it('a sound session restored by a retried /voice/incoming resumes where it was, no restart', async () => {
      const call = await hotline.call().dial();
      await call.press('4');
      await call.dial();
      expect(call.heard).toEqual([prompt('features.menu')]);
    });

    it('a gather for a CallSid nobody knows → apology for the restart and the main menu', async () => {
      const call = hotline.call();
      await call.send(`${TEST_BASE_URL}/voice/gather?rev=5`, { Digits: '4' });
      expect(call.status).toBe(200);
      expect(call.heard).toEqual([prompt('error.restart'), prompt('main.menu')]);
      expect((await hotline.store.sessions.load(call.callSid))?.revision).toBe(1);
      await call.press('4');
      expect(call.heard).toEqual([prompt('features.menu')]);
    });

    it('a no-input for a CallSid nobody knows → the same', async () => {
      const call = hotline.call();
      await call.send(`${TEST_BASE_URL}/voice/no-input?rev=1`, {});
      expect(call.heard).toEqual([prompt('error.restart'), prompt('main.menu')]);
    });

    it('a status callback for a CallSid nobody knows is 2xx and stores nothing', async () => {
      const call = hotline.call();
      expect(await call.hangUp()).toBeLessThan(300);
      expect(await hotline.store.sessions.load(call.callSid)).toBeNull();
    });
  });
});

describe('when something inside fails, the caller hears an apology and a way forward', () => {
  function brokenStore(real: Store, broken: 'load' | 'save'): Store {
    return {
      ...real,
      sessions: {
        load: broken === 'load' ? async () => Promise.reject(new Error('store down')) : (sid) => real.sessions.load(sid),
        save: broken === 'save' ? async () => Promise.reject(new Error('store down')) : (...args) => real.sessions.save(...args),
      },
    };
  }

  it.each(['load', 'save'] as const)('a store whose %s throws → 200 apology with a Redirect to /voice/recover', async (broken) => {
    const hotline = await startTestHotline({ store: 'memory' });
    const app = await startTestHotline({ store: 'memory', deps: { store: brokenStore(hotline.store, broken) } });
    try {
      const call = app.call();
      await call.dial();
      expect(call.status).toBe(200);
      expect(call.heard).toEqual([prompt('error.apology')]);
      const redirect = call.verbs.find((verb) => verb.verb === 'Redirect') as { url: string } | undefined;
      expect(redirect?.url).toBe(`${TEST_BASE_URL}/voice/recover?attempt=1`);
      expect(call.verbs.some((verb) => verb.verb === 'Hangup')).toBe(false);
    } finally {
      await app.close();
      await hotline.close();
    }
  });

  it('recover retries a bounded number of times, then says goodbye instead of looping', async () => {
    const hotline = await startTestHotline({ store: 'memory' });
    const app = await startTestHotline({ store: 'memory', deps: { store: brokenStore(hotline.store, 'load') } });
    try {
      const call = app.call();
      await call.dial();
      const urls: string[] = [];
      for (let i = 0; i < 10; i++) {
        const redirect = call.verbs.find((verb) => verb.verb === 'Redirect') as { url: string } | undefined;
        if (!redirect) break;
        urls.push(redirect.url);
        await call.send(redirect.url, {});
        expect(call.status).toBe(200);
      }
      expect(urls.length).toBeGreaterThan(0);
      expect(urls.length).toBeLessThanOrEqual(5);
      expect(call.heard).toEqual([prompt('error.apology'), prompt('call.goodbye')]);
      expect(call.verbs.at(-1)).toEqual({ verb: 'Hangup' });
    } finally {
      await app.close();
      await hotline.close();
    }
  });

  it('when the store comes back, /voice/recover continues the call', async () => {
    const healthy = await startTestHotline({ store: 'memory' });
    let down = true;
    const store: Store = {
      ...healthy.store,
      sessions: {
        load: (sid) => (down ? Promise.reject(new Error('store down')) : healthy.store.sessions.load(sid)),
        save: (...args) => (down ? Promise.reject(new Error('store down')) : healthy.store.sessions.save(...args)),
      },
    };
    const app = await startTestHotline({ store: 'memory', deps: { store } });
    try {
      const call = app.call();
      await call.dial();
      expect(call.heard).toEqual([prompt('error.apology')]);
      down = false;
      const redirect = call.verbs.find((verb) => verb.verb === 'Redirect') as { url: string };
      await call.send(redirect.url, {});
      expect(call.heard).toEqual([prompt('main.welcome'), prompt('main.menu')]);
      await call.press('3');
      expect(call.heard).toEqual([prompt('techSupport.menu')]);
    } finally {
      await app.close();
      await healthy.close();
    }
  });

  it('with OVERFLOW_NUMBER set, the apology is followed by a <Dial> to it', async () => {
    const hotline = await startTestHotline({ store: 'memory' });
    const app = await startTestHotline({
      store: 'memory',
      env: { OVERFLOW_NUMBER: '+8610123456789' },
      deps: { store: brokenStore(hotline.store, 'load') },
    });
    try {
      const call = app.call();
      await call.dial();
      expect(call.status).toBe(200);
      expect(call.heard).toEqual([prompt('error.apology')]);
      expect(call.verbs.map((verb) => verb.verb)).toEqual(['Say', 'Dial']);
      // A failure mid-call too. (The raw XML is checked: the TwiML reader turns "+86…" into a number.)
      const response = await app.app.inject({
        method: 'POST',
        url: '/voice/gather?rev=1',
        payload: new URLSearchParams(params(call.callSid, { Digits: '1' })).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, `${TEST_BASE_URL}/voice/gather?rev=1`, params(call.callSid, { Digits: '1' })),
        },
      });
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(/<Dial>\+8610123456789<\/Dial><\/Response>$/);
    } finally {
      await app.close();
      await hotline.close();
    }
  });

  it('a failing status callback is still answered 2xx', async () => {
    const hotline = await startTestHotline({ store: 'memory' });
    const app = await startTestHotline({ store: 'memory', deps: { store: brokenStore(hotline.store, 'load') } });
    try {
      expect(await app.call().hangUp()).toBeLessThan(300);
    } finally {
      await app.close();
      await hotline.close();
    }
  });
});

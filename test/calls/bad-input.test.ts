import twilio from 'twilio';
import { FLOW_VERSION } from '../../flows/call-flow';
import { newCallSid } from '../../scripts/lib/twilio-call-driver';
import { readTwiml, spokenText } from '../../scripts/lib/twiml-reader';
import type { Redis } from 'ioredis';
import type { Store } from '../../src/stores';
import { deletePrefix, keysOnServer, testRedis, uniquePrefix } from '../support/redis';
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
  let redis: Redis;
  const prefix = uniquePrefix('bad-input');
  beforeAll(async () => {
    redis = await testRedis();
    hotline = await startTestHotline({ redis, prefix });
  });
  afterAll(async () => {
    await hotline.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  /**
   * Everything this app keeps in Redis (every key under its own prefix, with its value), to show
   * that a refused request changed nothing at all, not only the session of its own CallSid.
   */
  async function storedState(): Promise<Record<string, unknown>> {
    const keys = await keysOnServer(redis, prefix);
    const state: Record<string, unknown> = {};
    for (const key of keys.sort()) {
      const type = await redis.type(key);
      if (type === 'string') state[key] = await redis.get(key);
      else if (type === 'hash') state[key] = await redis.hgetall(key);
      else if (type === 'zset') state[key] = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'list') state[key] = await redis.lrange(key, 0, -1);
      else if (type === 'set') state[key] = (await redis.smembers(key)).sort();
      else state[key] = type;
    }
    return state;
  }

  /** Runs a request that must be refused and checks the store is exactly as before. */
  async function refusedWithNothingStored<T>(request: () => Promise<T>): Promise<T> {
    const before = await storedState();
    const answer = await request();
    expect(await storedState()).toEqual(before);
    return answer;
  }

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

  /** 400 with the reason in JSON, naming the fields that were wrong. */
  function expectBadRequest(response: { statusCode: number; body: string }, issues: string[]) {
    expect({ status: response.statusCode, body: JSON.parse(response.body) as unknown }).toEqual({
      status: 400,
      body: { error: 'bad webhook request', issues },
    });
  }

  /** 200 TwiML whose spoken text is `heard`. */
  function expectTwiml(response: { statusCode: number; headers: Record<string, unknown>; body: string }, heard: string[]) {
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    expect(spokenText(readTwiml(response.body))).toEqual(heard);
  }

  it('the store snapshot sees what a call stores (so "nothing stored" below is a real check)', async () => {
    const before = await storedState();
    const call = await hotline.call().dial();
    const after = await storedState();
    expect(after).not.toEqual(before);
    expect(JSON.stringify(after)).toContain(call.callSid);
  });

  describe('webhook bodies', () => {
    it('a signed post without CallSid is 400 naming CallSid, and stores nothing', async () => {
      const response = await refusedWithNothingStored(() => signedPost('/voice/incoming', params(undefined)));
      expectBadRequest(response, ['CallSid']);
    });

    it.each(['CA123', 'not-a-call', `CA${'g'.repeat(32)}`, `XX${'a'.repeat(32)}`, `CA${'a'.repeat(33)}`, ''])(
      'a malformed CallSid %p is 400 naming CallSid, and stores nothing',
      async (callSid) => {
        const response = await refusedWithNothingStored(() => signedPost('/voice/incoming', params(callSid)));
        expectBadRequest(response, ['CallSid']);
        if (callSid) expect(await hotline.store.sessions.load(callSid)).toBeNull();
      },
    );

    it('a From of 10 kB is 400 naming From, not stored', async () => {
      const callSid = newCallSid();
      const response = await refusedWithNothingStored(() => signedPost('/voice/incoming', params(callSid, { From: '+86'.padEnd(10_240, '1') })));
      expectBadRequest(response, ['From']);
      expect(await hotline.store.sessions.load(callSid)).toBeNull();
    });

    it('a body over 64 kB is 413, not stored', async () => {
      const callSid = newCallSid();
      const response = await refusedWithNothingStored(() => signedPost('/voice/incoming', params(callSid, { Padding: 'x'.repeat(70 * 1024) })));
      expect(response.statusCode).toBe(413);
      expect(await hotline.store.sessions.load(callSid)).toBeNull();
    });

    it('an oversized SpeechResult is treated as not understood: 200 and the wrong-key hint', async () => {
      const call = await hotline.call().dial();
      await call.send(call.gather!.action, { SpeechResult: '技术'.repeat(2000), Confidence: '0.9' });
      expect(call.status).toBe(200);
      expect(call.heard).toEqual([prompt('hint.wrongKey'), prompt('main.menu')]);
    });

    it.each(['abc', '1a', '3;DROP', '１'])('Digits %p (not keypad keys) → 200 and the wrong-key hint', async (digits) => {
      const call = await hotline.call().dial();
      await call.send(call.gather!.action, { Digits: digits });
      expect(call.status).toBe(200);
      expect(call.heard).toEqual([prompt('hint.wrongKey'), prompt('main.menu')]);
    });

    it('a Confidence that is not a number is treated as not understood: 200 and the wrong-key hint', async () => {
      const call = await hotline.call().dial();
      await call.send(call.gather!.action, { SpeechResult: '技术支持', Confidence: 'very' });
      expect(call.status).toBe(200);
      expect(call.heard).toEqual([prompt('hint.wrongKey'), prompt('main.menu')]);
    });

    it('a Digits field sent twice is 200 and a wrong key, not a crash', async () => {
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
      expectTwiml(response, [prompt('hint.wrongKey'), prompt('main.menu')]);
    });

    /** Each spoiled body and what it must get: a 400 that stores nothing, or 200 TwiML. */
    type Expected = { status: 400; issues: string[] } | { status: 403 } | { status: 200; heard: string[] };
    const broken: Array<[string, (body: string) => string, Expected]> = [
      // The server's form parser reads undecodable escapes otherwise than the signer did: the signature does not match.
      ['percent signs that decode to nothing', (body: string) => `${body}&%zz=%E4%B8&%=%`, { status: 403 }],
      ['empty pairs and keys', (body: string) => `&&${body}&=x&&y`, { status: 200, heard: [prompt('hint.noInput'), prompt('main.menu')] }],
      ['a NUL byte in Digits', (body: string) => `${body}&Digits=1%00`, { status: 200, heard: [prompt('hint.wrongKey'), prompt('main.menu')] }],
      ['pure garbage', () => '\u0000\u0001<<>>&&&===', { status: 400, issues: ['CallSid'] }],
    ];

    it.each(broken)('a broken form body (%s) gets its exact answer, never a 5xx', async (_label, spoil, expected) => {
      const call = await hotline.call().dial();
      const action = new URL(call.gather!.action);
      const raw = spoil(new URLSearchParams(params(call.callSid)).toString());
      const fields = Object.fromEntries(new URLSearchParams(raw));
      if (expected.status === 400 || expected.status === 403) {
        const before = await hotline.store.sessions.load(call.callSid);
        const response = await refusedWithNothingStored(() => signedPost(action.pathname + action.search, fields, raw));
        if (expected.status === 400) expectBadRequest(response, expected.issues);
        else expect({ status: response.statusCode, body: JSON.parse(response.body) as unknown }).toEqual({ status: 403, body: { error: 'invalid Twilio signature' } });
        expect(await hotline.store.sessions.load(call.callSid)).toEqual(before);
      } else {
        expectTwiml(await signedPost(action.pathname + action.search, fields, raw), expected.heard);
      }
    });

    it('a gather without a sound rev query is 400 with its reason, and changes nothing', async () => {
      const call = await hotline.call().dial();
      const before = await hotline.store.sessions.load(call.callSid);
      expect(before).not.toBeNull();
      for (const path of ['/voice/gather', '/voice/gather?rev=', '/voice/gather?rev=abc', '/voice/gather?rev=-1', '/voice/gather?rev=1e3', '/voice/no-input']) {
        const response = await refusedWithNothingStored(() => signedPost(path, params(call.callSid, { Digits: '3' })));
        expect({ path, status: response.statusCode, body: JSON.parse(response.body) as unknown }).toEqual({
          path,
          status: 400,
          body: { error: 'rev query parameter required' },
        });
      }
      expect(await hotline.store.sessions.load(call.callSid)).toEqual(before);
      // The call itself still works afterwards.
      await call.press('3');
      expect(call.heard).toEqual([prompt('techSupport.menu')]);
    });

    it('unknown routes and methods are 404 and store nothing', async () => {
      await refusedWithNothingStored(async () => {
        expect((await signedPost('/voice/unknown', params(newCallSid()))).statusCode).toBe(404);
        expect((await hotline.app.inject({ method: 'GET', url: '/voice/incoming' })).statusCode).toBe(404);
        expect((await hotline.app.inject({ method: 'GET', url: '/nothing-here' })).statusCode).toBe(404);
        expect((await hotline.app.inject({ method: 'PUT', url: '/voice/gather?rev=1' })).statusCode).toBe(404);
      });
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

    it('a status callback for a CallSid nobody knows is 204 and stores nothing', async () => {
      const call = hotline.call();
      expect(await refusedWithNothingStored(() => call.hangUp())).toBe(204);
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

  it('a status callback whose end cannot be recorded is answered 503 (SPEC §4.1, §5: Twilio may try again), then 204 once the store is back', async () => {
    const hotline = await startTestHotline({ store: 'memory' });
    const app = await startTestHotline({ store: 'memory', deps: { store: brokenStore(hotline.store, 'load') } });
    try {
      const call = await hotline.call().dial();
      const broken = app.call({ callSid: call.callSid, from: call.from });
      expect(await broken.hangUp()).toBe(503);
      expect(await hotline.store.records.lag()).toMatchObject({ backlog: 0 });
      expect(await call.hangUp()).toBe(204);
      expect(await hotline.store.records.lag()).toMatchObject({ backlog: 1 });
    } finally {
      await app.close();
      await hotline.close();
    }
  });
});

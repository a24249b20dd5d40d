import type { Redis } from 'ioredis';
import type { HandoffDesk } from '../../src/calls/handoff-desk';
import { TwilioCallDriver, type PostForm } from '../../scripts/lib/twilio-call-driver';
import { readTwiml, spokenText } from '../../scripts/lib/twiml-reader';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { injectPoster, injectWebhook, prompt, startTestHotline, TEST_AUTH_TOKEN, TEST_BASE_URL, type TestHotline } from '../support/test-app';

/** A desk that declines, so a strike-out is heard the same on every instance. */
const decliningDesk: HandoffDesk = { handOff: async () => ({ kind: 'declined', speech: [{ key: 'agent.unavailable' }] }) };

describe.each(['redis', 'memory'] as const)('one call, webhooks at once (%s store)', (storeKind) => {
  let hotline: TestHotline;
  beforeAll(async () => {
    hotline = await startTestHotline({ store: storeKind });
  });
  afterAll(() => hotline.close());

  /** Posts `fields` to the call's current gather action, signed, without following the answer. */
  function webhook(call: TwilioCallDriver, url: string, fields: Record<string, string>) {
    return injectWebhook(hotline.app, call.request(url, { CallStatus: 'in-progress', ...fields }));
  }

  const revision = async (call: TwilioCallDriver) => (await hotline.store.sessions.load(call.callSid))?.revision;
  const smsFor = (call: TwilioCallDriver) =>
    hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.callSid === call.callSid);

  it('two different keys for the same prompt: exactly one is applied, both hear the winner\'s prompt', async () => {
    const call = await hotline.call().dial();
    const action = call.gather!.action;
    expect(await revision(call)).toBe(1);

    const answers = await Promise.all([webhook(call, action, { Digits: '3' }), webhook(call, action, { Digits: '4' })]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
    expect(await revision(call)).toBe(2);

    const heard = answers.map((answer) => spokenText(readTwiml(answer.body)));
    const menus = [[prompt('techSupport.menu')], [prompt('features.menu')]];
    expect(menus).toContainEqual(heard[0]);
    // The loser answers with the winner's current prompt, not its own choice.
    expect(heard[1]).toEqual(heard[0]);
    for (const answer of answers) expect(answer.body).toContain('/voice/gather?rev=2');

    // The stored snapshot is sound: the call goes on from the winner's menu.
    const won = heard[0]![0] === prompt('techSupport.menu') ? 'techSupport' : 'features';
    await call.send(`${TEST_BASE_URL}/voice/gather?rev=2`, { Digits: '1' });
    expect(call.heard).toEqual([prompt(won === 'techSupport' ? 'techSupport.appCrash' : 'features.payments')]);
    expect(await revision(call)).toBe(3);
  });

  it('five copies of one webhook: one applied, one SMS sent', async () => {
    const call = await hotline.call().dial();
    await call.press('4');
    await call.press('2');
    const before = await revision(call);
    const action = call.gather!.action;
    const answers = await Promise.all(Array.from({ length: 5 }, () => webhook(call, action, { Digits: '1' })));
    expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
    expect(await revision(call)).toBe(before! + 1);
    expect(smsFor(call)).toHaveLength(1);
    const heard = answers.map((answer) => spokenText(readTwiml(answer.body)));
    // The one that was applied confirms the SMS; the others just hear the prompt again.
    expect(heard.filter((said) => said[0] === prompt('sms.sent'))).toHaveLength(1);
    expect(heard.filter((said) => said.length === 1 && said[0] === prompt('features.points'))).toHaveLength(4);
    await call.send(`${TEST_BASE_URL}/voice/gather?rev=${before! + 1}`, { Digits: '#' });
    expect(call.heard).toEqual([prompt('features.menu')]);
  });

  it('a key and a no-input for the same prompt at once: one applied, no double strike', async () => {
    const call = await hotline.call().dial();
    const answers = await Promise.all([
      webhook(call, call.gather!.action, { Digits: '7' }),
      webhook(call, `${TEST_BASE_URL}/voice/no-input?rev=1`, {}),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
    expect(await revision(call)).toBe(2);
    const stored = JSON.parse((await hotline.store.sessions.load(call.callSid))!.data) as { snapshot: { context: { strikes: number } } };
    expect(stored.snapshot.context.strikes).toBe(1);
  });

  it('a replayed (stale) gather answers the current prompt and changes nothing', async () => {
    const call = await hotline.call().dial();
    const firstAction = call.gather!.action;
    await call.press('3');
    const before = await hotline.store.sessions.load(call.callSid);
    expect(before?.revision).toBe(2);

    const replay = await webhook(call, firstAction, { Digits: '4' });
    expect(replay.statusCode).toBe(200);
    expect(spokenText(readTwiml(replay.body))).toEqual([prompt('techSupport.menu')]);
    expect(replay.body).toContain('/voice/gather?rev=2');
    expect(await hotline.store.sessions.load(call.callSid)).toEqual(before);

    // The genuine next webhook still works.
    await call.press('2');
    expect(call.heard).toEqual([prompt('techSupport.noCodes')]);
  });

  it('a stale no-input gives no hint and adds no strike', async () => {
    const call = await hotline.call().dial();
    await call.press('4');
    const before = await hotline.store.sessions.load(call.callSid);
    const replay = await webhook(call, `${TEST_BASE_URL}/voice/no-input?rev=1`, {});
    expect(spokenText(readTwiml(replay.body))).toEqual([prompt('features.menu')]);
    expect(await hotline.store.sessions.load(call.callSid)).toEqual(before);
  });

  it('a webhook for a revision from the future changes nothing either', async () => {
    const call = await hotline.call().dial();
    const before = await hotline.store.sessions.load(call.callSid);
    const answer = await webhook(call, `${TEST_BASE_URL}/voice/gather?rev=99`, { Digits: '3' });
    expect(spokenText(readTwiml(answer.body))).toEqual([prompt('main.menu')]);
    expect(await hotline.store.sessions.load(call.callSid)).toEqual(before);
  });

  it('Twilio retrying /voice/incoming does not restart or welcome again', async () => {
    const call = await hotline.call().dial();
    await call.press('4');
    const before = await hotline.store.sessions.load(call.callSid);
    await call.dial();
    expect(call.heard).toEqual([prompt('features.menu')]);
    expect(await hotline.store.sessions.load(call.callSid)).toEqual(before);
  });

  it('two /voice/incoming for a new call at once: one session, both answered', async () => {
    const call = hotline.call();
    const answers = await Promise.all([
      webhook(call, `${TEST_BASE_URL}/voice/incoming`, { CallStatus: 'ringing' }),
      webhook(call, `${TEST_BASE_URL}/voice/incoming`, { CallStatus: 'ringing' }),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
    expect(await revision(call)).toBe(1);
    for (const answer of answers) expect(spokenText(readTwiml(answer.body)).at(-1)).toBe(prompt('main.menu'));
  });
});

describe('two app instances sharing one Redis continue one call', () => {
  let redis: Redis;
  let prefix: string;
  let a: TestHotline;
  let b: TestHotline;

  beforeAll(async () => {
    redis = await testRedis();
    prefix = uniquePrefix('instances');
    a = await startTestHotline({ redis, prefix, deps: { desk: decliningDesk } });
    b = await startTestHotline({ redis, prefix, deps: { desk: decliningDesk } });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  /** Webhook by webhook, the load balancer sends the call to A, then B, then A… */
  function alternatingCall() {
    const posters = [injectPoster(a.app), injectPoster(b.app)];
    const served: string[] = [];
    let turn = 0;
    const post: PostForm = (url, form, signature) => {
      served.push(turn % 2 === 0 ? 'A' : 'B');
      return posters[turn++ % 2]!(url, form, signature);
    };
    return { call: new TwilioCallDriver(post, { baseUrl: TEST_BASE_URL, authToken: TEST_AUTH_TOKEN }), served };
  }

  it('walks menus, switches language and sends an SMS across instances', async () => {
    const { call, served } = alternatingCall();
    await call.dial();
    expect(call.heard).toEqual([prompt('main.welcome'), prompt('main.menu')]);
    await call.press('9');
    expect(call.heard).toEqual([prompt('main.menu', 'en-US')]);
    await call.press('4');
    expect(call.heard).toEqual([prompt('features.menu', 'en-US')]);
    await call.press('2');
    expect(call.heard).toEqual([prompt('features.points', 'en-US')]);
    await call.press('1');
    expect(call.heard).toEqual([prompt('sms.sent', 'en-US'), prompt('features.points', 'en-US')]);
    await call.press('#');
    expect(call.heard).toEqual([prompt('features.menu', 'en-US')]);
    await call.press('#');
    expect(call.heard).toEqual([prompt('main.menu', 'en-US')]);
    expect(served).toEqual(['A', 'B', 'A', 'B', 'A', 'B', 'A']);
    // The SMS went out from A, the instance that took that (fifth) webhook, and only once.
    const sms = (hotline: TestHotline) => hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.callSid === call.callSid);
    expect(sms(b)).toHaveLength(0);
    expect(sms(a)).toEqual([expect.objectContaining({ body: prompt('sms.features.points', 'en-US') })]);
    expect((await a.store.sessions.load(call.callSid))?.revision).toBe(7);
  });

  it('strikes carry across instances: wrong key on A, silence on B, wrong key on A → agent', async () => {
    const { call } = alternatingCall();
    await call.dial();
    await call.press('7');
    expect(call.heard).toEqual([prompt('hint.wrongKey'), prompt('main.menu')]);
    await call.silence();
    expect(call.heard).toEqual([prompt('hint.noInput'), prompt('main.menu')]);
    await call.press('8');
    expect(call.heard).toEqual([prompt('agent.unavailable'), prompt('main.menu')]);
  });

  it('the same webhook delivered to both instances at once is applied once', async () => {
    const { call } = alternatingCall();
    await call.dial();
    const url = call.gather!.action;
    const { form, signature } = call.request(url, { Digits: '3' });
    const answers = await Promise.all([injectPoster(a.app)(url, form, signature), injectPoster(b.app)(url, form, signature)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    for (const answer of answers) expect(spokenText(readTwiml(answer.body))).toEqual([prompt('techSupport.menu')]);
    expect((await b.store.sessions.load(call.callSid))?.revision).toBe(2);
  });
});

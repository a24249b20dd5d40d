import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { firstVerb, readTwiml, spokenText } from '../../scripts/lib/twiml-reader';
import { injectWebhook, prompt } from '../support/test-app';
import type { Evaluation } from './support/counting-wallet';
import { WALLETS, type IdentityHotline } from './support/identity-hotline';
import { twoInstances, type TwoInstances } from './support/two-instances';

/**
 * SPEC §3: a webhook Twilio delivers twice (same call, same step) runs its effects once: one PIN
 * attempt counted, one code sent, one SMS. Copies of one Gather's post arrive at once on two
 * instances, or one after the other; every copy answers the same prompt.
 */
describe.each(['redis', 'memory'] as const)('duplicate deliveries of one Gather (%s store, 2 instances)', (storeKind) => {
  let pair: TwoInstances;
  let instances: [IdentityHotline, IdentityHotline];
  let evaluations: Evaluation[];

  beforeEach(async () => {
    pair = await twoInstances(storeKind);
    ({ instances, evaluations } = pair);
  });
  afterEach(() => pair.close());

  /**
   * `copies` posts of the same keys to the call's current Gather, at once, alternating instances.
   * Every copy answers the same Gather (the same action URL); the call goes on from it.
   */
  async function deliver(call: TwilioCallDriver, digits: string, copies: number): Promise<string[][]> {
    const request = call.request(call.gather!.action, { Digits: digits, CallStatus: 'in-progress' });
    const answers = await Promise.all(Array.from({ length: copies }, (_, i) => injectWebhook(instances[i % 2]!.app, request)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(copies).fill(200));
    const verbs = answers.map((answer) => readTwiml(answer.body));
    const actions = new Set(verbs.map((answer) => firstVerb(answer, 'Gather')?.action));
    expect([...actions]).toEqual([expect.stringMatching(/rev=\d+$/)]);
    call.verbs = verbs[0]!;
    return verbs.map(spokenText);
  }
  const actionOf = (heard: string[]) => heard.at(-1);
  const smsOf = (call: TwilioCallDriver) =>
    instances.flatMap((instance) => instance.twilio.outbox()).filter((entry) => entry.kind === 'sms' && entry.callSid === call.callSid);

  async function atPin(phone: string): Promise<TwilioCallDriver> {
    const call = await instances[0].call({ from: phone }).dial();
    await call.press('1');
    await call.press('2');
    expect(call.heard).toEqual([prompt('identity.pin')]);
    return call;
  }

  it('a wrong PIN delivered 6 times at once is evaluated and counted once; every copy answers the PIN prompt', async () => {
    const call = await atPin(WALLETS.passwordLocked.phone);
    const heard = await deliver(call, '999999', 6);
    expect(evaluations).toEqual([{ walletId: WALLETS.passwordLocked.id, right: false }]);
    // One copy ran the turn and says why; the others answer with the prompt it left the caller at.
    expect(heard.filter((said) => said[0] === prompt('identity.pinWrong', 'zh-CN', { attemptsLeft: 2 }))).toHaveLength(1);
    expect(heard.every((said) => actionOf(said) === prompt('identity.pin'))).toBe(true);
    // Counted once: the next wrong PIN leaves one try, not none.
    await call.press('888888');
    expect(call.heard).toEqual([prompt('identity.pinWrong', 'zh-CN', { attemptsLeft: 1 }), prompt('identity.pin')]);
  });

  it('a late copy of an answered Gather changes nothing and evaluates nothing', async () => {
    const call = await atPin(WALLETS.passwordLocked.phone);
    const request = call.request(call.gather!.action, { Digits: '999999', CallStatus: 'in-progress' });
    await injectWebhook(instances[0].app, request);
    const late = await injectWebhook(instances[1].app, request);
    expect(late.statusCode).toBe(200);
    expect(spokenText(readTwiml(late.body))).toEqual([prompt('identity.pin')]);
    expect(evaluations).toHaveLength(1);
  });

  it('the right PIN of an L2 gate delivered 4 times at once: one evaluation, one code texted, and that code works', async () => {
    const { phone, pin } = WALLETS.passwordLocked;
    const call = await atPin(phone);
    const heard = await deliver(call, pin, 4);
    expect(evaluations).toEqual([{ walletId: WALLETS.passwordLocked.id, right: true }]);
    expect(heard.every((said) => said.at(-1) === prompt('identity.code'))).toBe(true);
    const codes = instances.flatMap((instance) => instance.codesSentTo(phone));
    expect(codes).toHaveLength(1);
    expect(smsOf(call)).toHaveLength(1);
    await call.press(codes[0]!);
    expect(call.heard).toEqual([prompt('account.unlockOffer')]);
  });

  it('* (a fresh code) delivered 3 times at once sends one new code', async () => {
    const { phone, pin } = WALLETS.passwordLocked;
    const call = await atPin(phone);
    await call.press(pin);
    const heard = await deliver(call, '*', 3);
    expect(heard.every((said) => said.at(-1) === prompt('identity.code'))).toBe(true);
    expect(instances.flatMap((instance) => instance.codesSentTo(phone))).toHaveLength(2);
  });

  it('"send me the reset link" delivered 3 times at once texts one link', async () => {
    const { phone, pin } = WALLETS.active;
    const call = await instances[0].call({ from: phone }).dial();
    await call.press('1');
    await call.press('1');
    await call.press(pin);
    expect(call.heard).toEqual([prompt('account.resetSent')]);
    const heard = await deliver(call, '1', 3);
    expect(heard.every((said) => said.at(-1) === prompt('account.resetResent'))).toBe(true);
    expect(smsOf(call)).toHaveLength(2);
  });

  it('a menu SMS delivered 5 times at once on two instances is sent once', async () => {
    const call = await instances[0].call().dial();
    await call.press('3');
    await call.press('2');
    const heard = await deliver(call, '1', 5);
    expect(heard.filter((said) => said[0] === prompt('sms.sent'))).toHaveLength(1);
    expect(heard.every((said) => said.at(-1) === prompt('techSupport.noCodes'))).toBe(true);
    expect(smsOf(call)).toHaveLength(1);
  });
});

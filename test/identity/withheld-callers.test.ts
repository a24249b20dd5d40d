import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { DemoWalletBackend } from '../../src/wallet/demo-wallet-backend';
import { ALICE, bearer } from '../agent-api/agent-test-kit';
import { prompt, startTestHotline, type TestHotline } from '../support/test-app';
import { demoData, startIdentityHotline, type IdentityHotline } from './support/identity-hotline';

/**
 * SPEC §3 "Withheld numbers": Twilio's placeholders for a withheld or unknown caller ID, and SIP or
 * Client callers, are strangers. Whole calls through signed webhooks: they use every menu and reach
 * agents, but never get an SMS, are never "repeat callers", never counted as one caller today, and
 * never matched to a wallet by caller ID.
 */
const SIP_200 = `sip:${'c'.repeat(200 - 'sip:'.length - '@pbx.example.com'.length)}@pbx.example.com`;
const STRANGERS = ['+266696687', '+7378742833', '+86282452253', 'anonymous', 'Restricted', 'UNAVAILABLE', 'unknown', 'Private', '', SIP_200, 'client:web-visitor'];

it('the long SIP caller ID is 200 characters', () => {
  expect(SIP_200).toHaveLength(200);
});

describe('strangers in the menus and the queue', () => {
  let hotline: TestHotline;
  beforeEach(async () => {
    hotline = await startTestHotline();
  });
  afterEach(() => hotline.close());

  const smsOf = (call: TwilioCallDriver) => hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.callSid === call.callSid);

  it.each(STRANGERS.map((from) => [from.length > 40 ? `sip:… (${from.length} characters)` : JSON.stringify(from), from]))(
    '%s: asks for an SMS and hears none can be sent, then twice in the queue, never a repeat caller nor counted as one',
    async (_label, from) => {
      const first = await hotline.call({ from, extra: { StirVerstat: 'TN-Validation-Failed'.padEnd(256, '-') } }).dial();
      expect(first.heard).toEqual([prompt('main.welcome'), prompt('main.menu')]);
      await first.press('3');
      await first.press('2');
      await first.press('1');
      expect(first.heard).toEqual([prompt('sms.noNumber'), prompt('techSupport.noCodes')]);
      expect(smsOf(first)).toEqual([]);
      await first.press('2');
      expect(first.heard).toEqual([prompt('queue.transferringFirst')]);
      expect(await hotline.records.get(first.callSid)).toMatchObject({ state: 'waiting', from: '', dialable: false, priority: 'normal' });
      expect(await first.hangUp()).toBe(204);

      // The same "number" again, about the same thing: still a stranger.
      const again = await hotline.call({ from }).dial();
      await again.press('3');
      await again.press('2');
      await again.press('2');
      expect(await hotline.records.get(again.callSid)).toMatchObject({ state: 'waiting', dialable: false, priority: 'normal' });
      const available = await hotline.app.inject({ method: 'PUT', url: '/agent/availability', headers: bearer(ALICE), payload: { available: true } });
      expect(available.statusCode).toBe(200);
      const claimed = await hotline.app.inject({ method: 'POST', url: '/agent/claims', headers: bearer(ALICE) });
      expect(claimed.json()).toMatchObject({ callSid: again.callSid, caller: 'withheld', earlierCallsToday: 0 });
      expect(smsOf(again)).toEqual([]);
    },
  );
});

describe('strangers and wallets', () => {
  let hotline: IdentityHotline;
  // A wallet registered, by mistake, to numbers Twilio uses as placeholders: a withheld caller must never get it.
  const placeholderWallets = {
    wallets: [
      ...demoData.wallets,
      { ...demoData.wallets[0]!, id: 'W-PLACEHOLDER-1', phone: '+7378742833' },
      { ...demoData.wallets[0]!, id: 'W-PLACEHOLDER-2', phone: '+266696687' },
    ],
  };
  beforeAll(async () => {
    hotline = await startIdentityHotline({ wallet: (store, clock) => new DemoWalletBackend(placeholderWallets, store.values, clock) });
  });
  afterAll(() => hotline.close());

  it.each(STRANGERS.map((from) => [from.length > 40 ? `sip:… (${from.length} characters)` : JSON.stringify(from), from]))(
    '%s is never matched to a wallet by caller ID: the registered number is asked for, and the code goes only to it',
    async (_label, from) => {
      const call = await hotline.call({ from }).dial();
      await call.press('2');
      await call.press('1');
      expect(call.heard).toEqual([prompt('identity.phone')]);
      await call.press('13800000001');
      await call.press('123456');
      expect((await hotline.session(call.callSid))?.facts).toMatchObject({ identityLevel: 1, walletId: 'W100000001' });
      expect(hotline.twilio.outbox().filter((entry) => entry.kind === 'sms' && entry.callSid === call.callSid)).toEqual([]);
    },
  );
});

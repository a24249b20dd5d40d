import nock from 'nock';
import { HttpWalletBackend } from '../../src/wallet/http-wallet-backend';
import { prompt } from '../support/test-app';
import { startIdentityHotline, WALLETS, type IdentityHotline } from './support/identity-hotline';

const ORIGIN = 'https://wallet-core.test';

describe('the wallet core API fails: the caller hears an apology and is offered an agent', () => {
  let hotline: IdentityHotline;
  beforeAll(async () => {
    hotline = await startIdentityHotline({
      store: 'memory',
      wallet: () => new HttpWalletBackend({ baseUrl: `${ORIGIN}/api/v1`, token: 'core-token', timeoutMs: 100 }),
    });
  });
  afterAll(() => hotline.close());
  afterEach(() => {
    nock.abortPendingRequests();
    nock.cleanAll();
  });

  it.each([
    ['answers 500', () => nock(ORIGIN).get('/api/v1/wallets').query(true).times(2).reply(500, { error: 'boom' })],
    ['times out', () => nock(ORIGIN).get('/api/v1/wallets').query(true).times(2).delay(500).reply(200, { items: [] })],
  ])('when the core %s', async (_label, intercept) => {
    intercept();
    const call = await hotline.call({ from: WALLETS.active.phone }).dial();
    await call.press('2');
    await call.press('1');
    expect(call.status).toBe(200);
    expect(call.heard).toEqual([prompt('identity.unavailable')]);
    await call.press('0');
    expect(hotline.handoffs.at(-1)).toMatchObject({ callSid: call.callSid, handoff: { intent: 'transaction.recent', reason: 'asked' } });
  });

  it('a failure after identity (reading transactions) also apologises and offers an agent', async () => {
    nock(ORIGIN)
      .get('/api/v1/wallets')
      .query(true)
      .reply(200, {
        items: [{ id: 'W100000001', phone: WALLETS.active.phone, preferredLanguage: 'zh-CN', status: 'active', lockReason: null, pointsBalance: 1280 }],
      });
    nock(ORIGIN).post('/api/v1/wallets/W100000001/pin-verifications').reply(200, { valid: true });
    nock(ORIGIN).get('/api/v1/wallets/W100000001/transactions').query(true).times(2).reply(503);
    const call = await hotline.call({ from: WALLETS.active.phone }).dial();
    await call.press('2');
    await call.press('1');
    await call.press(WALLETS.active.pin);
    expect(call.heard).toEqual([prompt('identity.unavailable')]);
    expect((await hotline.session(call.callSid))?.facts.identityLevel).toBe(1);
  });
});

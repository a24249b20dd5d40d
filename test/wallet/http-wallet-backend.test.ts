import nock from 'nock';
import { HttpWalletBackend } from '../../src/wallet/http-wallet-backend';
import { WalletRequestError, WalletUnavailableError, type Transaction, type Wallet } from '../../src/wallet/wallet-backend';

const ORIGIN = 'https://wallet-core.test';
const TOKEN = 'core-token-123';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const wallet: Wallet = {
  id: 'W100000001',
  phone: '+8613800000001',
  displayName: '王丽',
  preferredLanguage: 'zh-CN',
  status: 'active',
  lockReason: null,
  pointsBalance: 1280,
};

const failedTransfer: Transaction = {
  id: 'TX1',
  at: '2026-11-23T19:42:00+08:00',
  amountFen: 50000,
  direction: 'out',
  counterparty: '张晓明',
  counterpartyKind: 'person',
  status: 'failed',
  failureReason: 'insufficient-balance',
};

/** Every request must carry the bearer token; anything else does not match and fails the test. */
const core = () => nock(ORIGIN, { reqheaders: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } });

const backend = new HttpWalletBackend({ baseUrl: `${ORIGIN}/api/v1/`, token: TOKEN, timeoutMs: 200 });

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.abortPendingRequests();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('HttpWalletBackend call shapes', () => {
  it('looks a wallet up by its normalised phone number', async () => {
    core().get('/api/v1/wallets').query({ phone: '+8613800000001' }).reply(200, { items: [wallet] });
    await expect(backend.findWalletByPhone('138 0000 0001')).resolves.toEqual(wallet);
  });

  it('answers null when no wallet has the number', async () => {
    core().get('/api/v1/wallets').query({ phone: '+8613900000009' }).reply(200, { items: [] });
    await expect(backend.findWalletByPhone('+8613900000009')).resolves.toBeNull();
  });

  it('does not ask the core about something that is not a phone number', async () => {
    // No interceptor: a request would fail with WalletUnavailableError instead of null.
    await expect(backend.findWalletByPhone('12345')).resolves.toBeNull();
  });

  it('verifies a PIN with a POST carrying an idempotency key', async () => {
    core()
      .post('/api/v1/wallets/W100000001/pin-verifications', { pin: '123456' })
      .matchHeader('content-type', 'application/json')
      .matchHeader('idempotency-key', UUID)
      .reply(200, { valid: true });
    await expect(backend.verifyPin('W100000001', '123456')).resolves.toBe(true);
  });

  it('answers false for a wrong PIN and for an unknown wallet', async () => {
    core().post('/api/v1/wallets/W100000001/pin-verifications', { pin: '000000' }).reply(200, { valid: false });
    core().post('/api/v1/wallets/W999/pin-verifications').reply(404);
    await expect(backend.verifyPin('W100000001', '000000')).resolves.toBe(false);
    await expect(backend.verifyPin('W999', '123456')).resolves.toBe(false);
  });

  it('asks for the last transactions with a limit', async () => {
    core().get('/api/v1/wallets/W100000001/transactions').query({ limit: '3' }).reply(200, { items: [failedTransfer] });
    await expect(backend.recentTransactions('W100000001', 3)).resolves.toEqual([failedTransfer]);
  });

  it('asks for the newest failed transaction', async () => {
    core()
      .get('/api/v1/wallets/W100000001/transactions')
      .query({ status: 'failed', limit: '1' })
      .reply(200, { items: [failedTransfer] });
    core().get('/api/v1/wallets/W100000004/transactions').query({ status: 'failed', limit: '1' }).reply(200, { items: [] });
    await expect(backend.newestFailedTransaction('W100000001')).resolves.toEqual(failedTransfer);
    await expect(backend.newestFailedTransaction('W100000004')).resolves.toBeNull();
  });

  it('reads disputes', async () => {
    const dispute = {
      id: 'DP1',
      transactionId: 'TX2',
      amountFen: 5800,
      counterparty: '美团外卖',
      counterpartyKind: 'merchant',
      status: 'refund-in-progress',
      expectedDate: '2026-11-29',
    };
    core().get('/api/v1/wallets/W100000001/disputes').reply(200, { items: [dispute] });
    await expect(backend.disputes('W100000001')).resolves.toEqual([dispute]);
  });

  it('opens a case', async () => {
    const newCase = { kind: 'unexpected-deduction', transactionId: 'TX2', note: '未授权扣款' } as const;
    core()
      .post('/api/v1/wallets/W100000001/cases', newCase)
      .matchHeader('idempotency-key', UUID)
      .reply(201, { caseId: '10000042' });
    await expect(backend.openCase('W100000001', newCase)).resolves.toEqual({ caseId: '10000042' });
  });

  it('reads the points balance', async () => {
    core().get('/api/v1/wallets/W100000001/points').reply(200, { balance: 1280 });
    await expect(backend.pointsBalance('W100000001')).resolves.toBe(1280);
  });

  it('unlocks, or learns that the lock is not self-service', async () => {
    core().post('/api/v1/wallets/W100000002/unlock').matchHeader('idempotency-key', UUID).reply(204);
    core().post('/api/v1/wallets/W100000003/unlock').reply(409, { error: 'security lock' });
    await expect(backend.unlock('W100000002')).resolves.toBe(true);
    await expect(backend.unlock('W100000003')).resolves.toBe(false);
  });

  it('freezes with a reason', async () => {
    core()
      .post('/api/v1/wallets/W100000001/freeze', { reason: 'fraud-reported' })
      .matchHeader('idempotency-key', UUID)
      .reply(204);
    await expect(backend.freeze('W100000001', 'fraud-reported')).resolves.toBeUndefined();
  });

  it('asks for a password reset link', async () => {
    const reply = { link: 'https://wallet.example/r/abc', expiresAt: '2026-11-25T10:30:00Z' };
    core().post('/api/v1/wallets/W100000001/password-reset-links').matchHeader('idempotency-key', UUID).reply(201, reply);
    await expect(backend.sendPasswordResetLink('W100000001')).resolves.toEqual(reply);
  });

  it('escapes wallet ids in paths', async () => {
    core().get('/api/v1/wallets/W%2F1/points').reply(200, { balance: 7 });
    await expect(backend.pointsBalance('W/1')).resolves.toBe(7);
  });
});

describe('HttpWalletBackend failures', () => {
  it('treats a 4xx as a contract error and does not retry it', async () => {
    core().get('/api/v1/wallets/W100000001/points').reply(400, { error: 'bad request' });
    await expect(backend.pointsBalance('W100000001')).rejects.toMatchObject({ name: 'WalletRequestError', status: 400 });
  });

  it('treats a 404 on a wallet id as a contract error', async () => {
    core().get('/api/v1/wallets/W999/disputes').reply(404);
    const failure = backend.disputes('W999');
    await expect(failure).rejects.toBeInstanceOf(WalletRequestError);
    await expect(failure).rejects.toMatchObject({ status: 404 });
  });

  it('retries a GET once after a 5xx', async () => {
    core().get('/api/v1/wallets/W100000001/points').reply(502).get('/api/v1/wallets/W100000001/points').reply(200, { balance: 9 });
    await expect(backend.pointsBalance('W100000001')).resolves.toBe(9);
  });

  it('gives up after the second 5xx with WalletUnavailableError', async () => {
    core().get('/api/v1/wallets/W100000001/points').times(2).reply(503);
    const failure = backend.pointsBalance('W100000001');
    await expect(failure).rejects.toBeInstanceOf(WalletUnavailableError);
    await expect(failure).rejects.not.toBeInstanceOf(WalletRequestError);
    await expect(failure).rejects.toThrow('wallet core GET /wallets/W100000001/points answered 503');
  });

  it('retries a POST once with the same idempotency key', async () => {
    const keys: string[] = [];
    const remember = function (this: nock.ReplyFnContext) {
      keys.push(String(this.req.headers['idempotency-key']));
    };
    core()
      .post('/api/v1/wallets/W100000001/cases')
      .reply(500, function () {
        remember.call(this);
        return {};
      })
      .post('/api/v1/wallets/W100000001/cases')
      .reply(201, function () {
        remember.call(this);
        return { caseId: '10000043' };
      });
    await expect(backend.openCase('W100000001', { kind: 'other' })).resolves.toEqual({ caseId: '10000043' });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(UUID);
    expect(keys[1]).toBe(keys[0]);
  });

  it('uses a new idempotency key for every new call', async () => {
    const keys: string[] = [];
    core()
      .post('/api/v1/wallets/W100000001/freeze')
      .times(2)
      .reply(204, function () {
        keys.push(String(this.req.headers['idempotency-key']));
        return '';
      });
    await backend.freeze('W100000001', 'phone-lost');
    await backend.freeze('W100000001', 'phone-lost');
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('times out a slow answer, retries once, then reports the backend unavailable', async () => {
    core().get('/api/v1/wallets/W100000001/points').times(2).delay(1000).reply(200, { balance: 1 });
    const started = Date.now();
    const failure = backend.pointsBalance('W100000001');
    await expect(failure).rejects.toBeInstanceOf(WalletUnavailableError);
    await expect(failure).rejects.toThrow('failed: HttpTimeoutError');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('recovers when only the first attempt is slow', async () => {
    core()
      .get('/api/v1/wallets/W100000001/points')
      .delay(1000)
      .reply(200, { balance: 1 })
      .get('/api/v1/wallets/W100000001/points')
      .reply(200, { balance: 2 });
    await expect(backend.pointsBalance('W100000001')).resolves.toBe(2);
  });

  it('reports network errors as unavailable, keeping the cause', async () => {
    core().get('/api/v1/wallets/W100000001/points').times(2).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    await expect(backend.pointsBalance('W100000001')).rejects.toMatchObject({
      name: 'WalletUnavailableError',
      message: 'wallet core GET /wallets/W100000001/points failed: ECONNRESET',
      cause: expect.objectContaining({ code: 'ECONNRESET' }),
    });
  });

  it('reports a reply of the wrong shape as unavailable', async () => {
    core().get('/api/v1/wallets').query(true).reply(200, { items: [{ id: 7 }] });
    const failure = backend.findWalletByPhone('+8613800000001');
    await expect(failure).rejects.toThrow(/unexpected body/);
    await expect(failure).rejects.not.toBeInstanceOf(WalletRequestError);
  });

  it('never puts the PIN or the phone number into an error', async () => {
    core().post('/api/v1/wallets/W100000001/pin-verifications').times(2).reply(500, { echo: '987654' });
    core().get('/api/v1/wallets').query(true).times(2).replyWithError({ code: 'ECONNREFUSED', message: 'to +8613800000001' });
    const pinFailure = await backend.verifyPin('W100000001', '987654').catch((error: Error) => error);
    const phoneFailure = await backend.findWalletByPhone('+8613800000001').catch((error: Error) => error);
    expect(pinFailure).toBeInstanceOf(WalletUnavailableError);
    expect(phoneFailure).toBeInstanceOf(WalletUnavailableError);
    expect(String((pinFailure as Error).message)).not.toContain('987654');
    expect(String((phoneFailure as Error).message)).not.toContain('13800000001');
  });
});

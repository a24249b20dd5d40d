import type { Redis } from 'ioredis';
import type { Clock } from '../../src/clock';
import type { KeyValueStore } from '../../src/store/key-value-store';
import { createMemoryStore, createRedisStore, type Store } from '../../src/stores';
import { DemoWalletBackend } from '../../src/wallet/demo-wallet-backend';
import { loadDemoWallets } from '../../src/wallet/demo-wallet-data';
import { WalletRequestError, WalletUnavailableError } from '../../src/wallet/wallet-backend';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const clock: Clock = { now: () => NOW };
const data = loadDemoWallets();

/** Two instances' views of one shared store, as two servers behind the load balancer would have. */
interface SharedStore {
  open(): Promise<[KeyValueStore, KeyValueStore]>;
  closeAll(): Promise<void>;
}

function redisShared(): SharedStore {
  const prefixes: string[] = [];
  let connections: Promise<[Redis, Redis]> | undefined;
  return {
    async open() {
      connections ??= Promise.all([testRedis(), testRedis()]);
      const [first, second] = await connections;
      const prefix = uniquePrefix('wallet-demo');
      prefixes.push(prefix);
      return [createRedisStore(first, prefix).values, createRedisStore(second, prefix).values];
    },
    async closeAll() {
      if (!connections) return;
      const [first, second] = await connections;
      for (const prefix of prefixes) await deletePrefix(first, prefix);
      await Promise.all([first.quit(), second.quit()]);
    },
  };
}

function memoryShared(): SharedStore {
  const stores: Store[] = [];
  return {
    async open() {
      const store = createMemoryStore(clock);
      stores.push(store);
      return [store.values, store.values];
    },
    async closeAll() {
      await Promise.all(stores.map((store) => store.close()));
    },
  };
}

describe.each([
  ['redis', redisShared()],
  ['memory', memoryShared()],
])('DemoWalletBackend on the %s store', (_kind, shared) => {
  let backend: DemoWalletBackend;
  let otherInstance: DemoWalletBackend;
  let values: KeyValueStore;

  beforeEach(async () => {
    const [first, second] = await shared.open();
    values = first;
    backend = new DemoWalletBackend(data, first, clock);
    otherInstance = new DemoWalletBackend(data, second, clock);
  });

  afterAll(() => shared.closeAll());

  it('holds the four wallets of the spec', async () => {
    await expect(backend.findWalletByPhone('+8613800000001')).resolves.toEqual({
      id: 'W100000001',
      phone: '+8613800000001',
      displayName: '王丽',
      preferredLanguage: 'zh-CN',
      status: 'active',
      lockReason: null,
      pointsBalance: 1280,
    });
    await expect(backend.findWalletByPhone('+8613800000002')).resolves.toMatchObject({
      status: 'locked',
      lockReason: 'wrong-password',
    });
    await expect(backend.findWalletByPhone('+8613800000003')).resolves.toMatchObject({
      status: 'locked',
      lockReason: 'suspicious-activity',
    });
    const english = await backend.findWalletByPhone('+8613800000004');
    expect(english).toMatchObject({ status: 'active', lockReason: null, preferredLanguage: 'en-US' });
    await expect(backend.recentTransactions(english?.id ?? '', 3)).resolves.toEqual([]);
  });

  it('never hands out the PIN hash or the history with a wallet summary', async () => {
    const wallet = await backend.findWalletByPhone('+8613800000001');
    expect(Object.keys(wallet ?? {}).sort()).toEqual(
      ['displayName', 'id', 'lockReason', 'phone', 'pointsBalance', 'preferredLanguage', 'status'].sort(),
    );
  });

  it.each(['+8613800000001', '8613800000001', '13800000001', '0086 138 0000 0001', '+86-138-0000-0001'])(
    'finds the wallet by %s',
    async (phone) => {
      await expect(backend.findWalletByPhone(phone)).resolves.toMatchObject({ id: 'W100000001' });
    },
  );

  it.each(['+8613900000009', '13900000009', '+14155550100', '12345', ''])('finds no wallet for %s', async (phone) => {
    await expect(backend.findWalletByPhone(phone)).resolves.toBeNull();
  });

  it.each([
    ['W100000001', '123456'],
    ['W100000002', '654321'],
    ['W100000003', '111222'],
    ['W100000004', '246810'],
  ])('verifies the PIN of %s', async (walletId, pin) => {
    await expect(backend.verifyPin(walletId, pin)).resolves.toBe(true);
    await expect(backend.verifyPin(walletId, '000000')).resolves.toBe(false);
  });

  it('answers false for a PIN of an unknown wallet', async () => {
    await expect(backend.verifyPin('W999', '123456')).resolves.toBe(false);
  });

  it('lists the last transactions newest first', async () => {
    const last3 = await backend.recentTransactions('W100000001', 3);
    expect(last3.map((transaction) => transaction.status)).toEqual(['pending', 'failed', 'refunding']);
    const all = await backend.recentTransactions('W100000001', 50);
    expect(all).toHaveLength(7);
    const times = all.map((transaction) => Date.parse(transaction.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    await expect(backend.recentTransactions('W100000001', 0)).resolves.toEqual([]);
  });

  it('finds the newest failed transaction and its reason', async () => {
    await expect(backend.newestFailedTransaction('W100000001')).resolves.toMatchObject({
      id: 'TX20261123000418',
      failureReason: 'insufficient-balance',
      amountFen: 50000,
      counterparty: '张晓明',
    });
    await expect(backend.newestFailedTransaction('W100000003')).resolves.toMatchObject({ failureReason: 'risk-control' });
    await expect(backend.newestFailedTransaction('W100000004')).resolves.toBeNull();
  });

  it('reports disputes with their refund status and date', async () => {
    const disputes = await backend.disputes('W100000001');
    expect(disputes.map(({ status, expectedDate }) => [status, expectedDate])).toEqual([
      ['refund-in-progress', '2026-11-29'],
      ['refunded', '2026-11-15'],
    ]);
    await expect(backend.disputes('W100000004')).resolves.toEqual([]);
  });

  it('reports the points balance', async () => {
    await expect(backend.pointsBalance('W100000001')).resolves.toBe(1280);
  });

  it('lifts a wrong-password lock for every instance', async () => {
    await expect(backend.unlock('W100000002')).resolves.toBe(true);
    await expect(otherInstance.findWalletByPhone('13800000002')).resolves.toMatchObject({
      status: 'active',
      lockReason: null,
    });
  });

  it('refuses to lift a security lock by phone', async () => {
    await expect(backend.unlock('W100000003')).resolves.toBe(false);
    await expect(otherInstance.findWalletByPhone('+8613800000003')).resolves.toMatchObject({
      status: 'locked',
      lockReason: 'suspicious-activity',
    });
  });

  it('treats unlocking an active wallet as done', async () => {
    await expect(backend.unlock('W100000001')).resolves.toBe(true);
  });

  it('freezes a wallet for every instance, and a frozen wallet cannot be unlocked by phone', async () => {
    await backend.freeze('W100000001', 'fraud-reported');
    await expect(otherInstance.findWalletByPhone('+8613800000001')).resolves.toMatchObject({ status: 'frozen' });
    await expect(otherInstance.unlock('W100000001')).resolves.toBe(false);
    await expect(backend.findWalletByPhone('+8613800000001')).resolves.toMatchObject({ status: 'frozen' });
  });

  it('numbers cases with 8 digits, shared by every instance, and records them', async () => {
    const first = await backend.openCase('W100000001', { kind: 'unexpected-deduction', transactionId: 'TX20261122000265' });
    const second = await otherInstance.openCase('W100000001', { kind: 'other', note: '想咨询积分' });
    expect(first.caseId).toMatch(/^[1-9]\d{7}$/);
    expect(Number(second.caseId)).toBe(Number(first.caseId) + 1);
    const record = JSON.parse((await values.get(`wallet:case:${first.caseId}`)) ?? 'null');
    expect(record).toEqual({
      walletId: 'W100000001',
      kind: 'unexpected-deduction',
      transactionId: 'TX20261122000265',
      openedAt: new Date(NOW).toISOString(),
    });
  });

  it('refuses a case about a transaction of another wallet', async () => {
    await expect(backend.openCase('W100000001', { kind: 'unexpected-deduction', transactionId: 'TX20261121000812' })).rejects.toMatchObject({
      name: 'WalletRequestError',
      status: 422,
    });
  });

  it('makes a fresh password reset link that expires in 30 minutes', async () => {
    const first = await backend.sendPasswordResetLink('W100000001');
    const second = await backend.sendPasswordResetLink('W100000001');
    expect(first.link).toMatch(/^https:\/\/[^/]+\/reset-password\?token=[\w-]{22}$/);
    expect(first.link).not.toBe(second.link);
    expect(first.expiresAt).toBe(new Date(NOW + 30 * 60 * 1000).toISOString());
  });

  it('rejects unknown wallet ids as a contract error', async () => {
    for (const call of [
      () => backend.recentTransactions('W999', 3),
      () => backend.disputes('W999'),
      () => backend.pointsBalance('W999'),
      () => backend.unlock('W999'),
      () => backend.freeze('W999', 'phone-lost'),
      () => backend.openCase('W999', { kind: 'other' }),
      () => backend.sendPasswordResetLink('W999'),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(WalletRequestError);
    }
  });

  it('reports a malformed stored state as unavailable', async () => {
    await values.set('wallet:state:W100000001', '{not json');
    await expect(backend.findWalletByPhone('+8613800000001')).rejects.toBeInstanceOf(WalletUnavailableError);
  });
});

describe('DemoWalletBackend without its store', () => {
  const down = new Error('connection refused');
  const brokenStore: KeyValueStore = {
    get: () => Promise.reject(down),
    set: () => Promise.reject(down),
    setIfAbsent: () => Promise.reject(down),
    increment: () => Promise.reject(down),
    delete: () => Promise.reject(down),
    addToSet: () => Promise.reject(down),
    setSize: () => Promise.reject(down),
  };
  const backend = new DemoWalletBackend(data, brokenStore, clock);

  it('turns store failures into WalletUnavailableError', async () => {
    await expect(backend.findWalletByPhone('+8613800000001')).rejects.toMatchObject({
      name: 'WalletUnavailableError',
      cause: down,
    });
    await expect(backend.unlock('W100000002')).rejects.toBeInstanceOf(WalletUnavailableError);
    await expect(backend.openCase('W100000001', { kind: 'other' })).rejects.toBeInstanceOf(WalletUnavailableError);
  });

  it('still verifies PINs, which need no store', async () => {
    await expect(backend.verifyPin('W100000001', '123456')).resolves.toBe(true);
  });
});

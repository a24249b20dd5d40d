import nock from 'nock';
import { verifyPinHash } from '../../../src/wallet/pin-hash';
import type { WalletBackend } from '../../../src/wallet/wallet-backend';
import { walletSchema } from '../../../src/wallet/wallet-schemas';
import { demoData } from './identity-hotline';

/** One PIN the wallet backend evaluated, and its verdict. */
export interface Evaluation {
  walletId: string;
  right: boolean;
}

/** Every call of `verifyPin` that reached the backend: what the limits must bound. */
export function countingWallet(backend: WalletBackend): { wallet: WalletBackend; evaluations: Evaluation[] } {
  const evaluations: Evaluation[] = [];
  const wallet: WalletBackend = Object.create(backend);
  wallet.verifyPin = async (walletId, pin) => {
    const right = await backend.verifyPin(walletId, pin);
    evaluations.push({ walletId, right });
    return right;
  };
  return { wallet, evaluations };
}

export const CORE_ORIGIN = 'https://wallet-core.test';
export const CORE_TOKEN = 'core-token-identity';

/**
 * The wallet core API (docs/wallet-core-api.md) played with nock from the demo data: look-ups, and
 * PIN verifications checked against the demo scrypt hashes after `delayMs`, each one counted.
 */
export function walletCoreDouble(delayMs: number): { pinRequests: () => number; done: () => void } {
  let pinRequests = 0;
  const core = nock(CORE_ORIGIN).persist();
  core.get('/api/v1/wallets').query(true).reply((uri) => {
    const phone = new URL(uri, CORE_ORIGIN).searchParams.get('phone');
    const found = demoData.wallets.find((wallet) => wallet.phone === phone);
    return [200, { items: found ? [walletSchema.parse(found)] : [] }];
  });
  core
    .post(/^\/api\/v1\/wallets\/[^/]+\/pin-verifications$/)
    .delay(delayMs)
    .reply((uri, body, answer) => {
      pinRequests++;
      const id = decodeURIComponent(uri.split('/')[4]!);
      const found = demoData.wallets.find((wallet) => wallet.id === id);
      const { pin } = body as { pin: string };
      void (found ? verifyPinHash(pin, found.pinHash) : Promise.resolve(false)).then((valid) => answer(null, [200, { valid }]));
    });
  core.get(/^\/api\/v1\/wallets\/[^/]+\/transactions/).reply(200, { items: [] });
  return {
    pinRequests: () => pinRequests,
    done: () => {
      nock.abortPendingRequests();
      nock.cleanAll();
    },
  };
}

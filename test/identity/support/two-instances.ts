import type pino from 'pino';
import { createMemoryStore, type Store } from '../../../src/stores';
import { DemoWalletBackend } from '../../../src/wallet/demo-wallet-backend';
import { HttpWalletBackend } from '../../../src/wallet/http-wallet-backend';
import { deletePrefix, testRedis, uniquePrefix } from '../../support/redis';
import { ManualClock } from '../../support/test-app';
import { CORE_ORIGIN, CORE_TOKEN, countingWallet, walletCoreDouble, type Evaluation } from './counting-wallet';
import { demoData, startIdentityHotline, type IdentityHotline } from './identity-hotline';

export interface TwoInstances {
  instances: [IdentityHotline, IdentityHotline];
  /** Every PIN the one wallet backend behind both evaluated. */
  evaluations: Evaluation[];
  /** PIN requests the wallet core received (the HTTP backend only). */
  coreRequests?: () => number;
  /** The store both share. */
  store: Store;
  clock: ManualClock;
  close(): Promise<void>;
}

export interface TwoInstancesOptions {
  /** The demo directory (scrypt PIN hashes), or the wallet core API played by nock. */
  backend?: 'demo' | 'http';
  /** How long the core takes to check a PIN (HTTP backend). */
  coreDelayMs?: number;
  clock?: ManualClock;
  logDestination?: pino.DestinationStream;
  logLevel?: string;
}

/**
 * Two app instances on one store (one Redis prefix, or one embedded store in this process) and one
 * wallet backend, which counts the PINs it evaluates: what the identity limits are tested against.
 */
export async function twoInstances(storeKind: 'redis' | 'memory', options: TwoInstancesOptions = {}): Promise<TwoInstances> {
  const clock = options.clock ?? new ManualClock();
  const redis = storeKind === 'redis' ? await testRedis() : undefined;
  const prefix = uniquePrefix('identity-pair');
  const sharedStore = storeKind === 'memory' ? createMemoryStore(clock) : undefined;
  const core = options.backend === 'http' ? walletCoreDouble(options.coreDelayMs ?? 25) : undefined;
  let counted: ReturnType<typeof countingWallet> | undefined;
  const wallet = (store: Store) => {
    counted ??= countingWallet(
      core ? new HttpWalletBackend({ baseUrl: `${CORE_ORIGIN}/api/v1`, token: CORE_TOKEN }) : new DemoWalletBackend(demoData, store.values, clock),
    );
    return counted.wallet;
  };
  const logs = options.logDestination ? { logDestination: options.logDestination, logLevel: options.logLevel ?? 'info' } : {};
  const hotline = { clock, wallet, ...logs, ...(redis ? { redis, prefix } : { sharedStore: sharedStore! }) };
  const instances: [IdentityHotline, IdentityHotline] = [await startIdentityHotline(hotline), await startIdentityHotline(hotline)];
  return {
    instances,
    evaluations: counted!.evaluations,
    ...(core ? { coreRequests: core.pinRequests } : {}),
    store: instances[0].store,
    clock,
    close: async () => {
      for (const instance of instances) await instance.close();
      core?.done();
      if (redis) {
        await deletePrefix(redis, prefix);
        await redis.quit();
      }
    },
  };
}

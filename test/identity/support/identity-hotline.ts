import type { Redis } from 'ioredis';
import { createIdentityEffects, type WalletEffectsFactory } from '../../../src/identity/identity-effects';
import { decodeSession, type CallSession } from '../../../src/calls/call-session';
import type { HandoffDesk } from '../../../src/calls/handoff-desk';
import type { CallFacts, Handoff } from '../../../flows/menu-contract';
import { createMemoryStore, createRedisStore, type Store } from '../../../src/stores';
import { SimulatedTwilioGateway } from '../../../src/twilio/simulated-twilio-gateway';
import { DemoWalletBackend } from '../../../src/wallet/demo-wallet-backend';
import { loadDemoWallets } from '../../../src/wallet/demo-wallet-data';
import type { WalletBackend } from '../../../src/wallet/wallet-backend';
import { deletePrefix, testRedis, uniquePrefix } from '../../support/redis';
import { catalogue, ManualClock, startTestHotline, testConfig, type TestHotline, type TestHotlineOptions } from '../../support/test-app';

export const WALLETS = {
  active: { phone: '+8613800000001', pin: '123456', id: 'W100000001' },
  passwordLocked: { phone: '+8613800000002', pin: '654321', id: 'W100000002' },
  securityLocked: { phone: '+8613800000003', pin: '111222', id: 'W100000003' },
  english: { phone: '+8613800000004', pin: '246810', id: 'W100000004' },
} as const;

/** A caller ID no demo wallet has: the caller must type the registered number. */
export const STRANGER = '+8613900000099';

export const demoData = loadDemoWallets();

/** What an agent would be handed: the hand-off and the facts the IVR learned. */
export interface RecordedHandoff {
  callSid: string;
  handoff: Handoff;
  facts: CallFacts;
}

/** Records hand-offs and declines them like the queue-less desk, so these tests do not depend on the queue. */
function recordingDesk(handoffs: RecordedHandoff[]): HandoffDesk {
  return {
    handOff: async (session, handoff) => {
      handoffs.push({ callSid: session.callSid, handoff, facts: { ...session.facts } });
      return { kind: 'declined', speech: [{ key: 'agent.unavailable' }] };
    },
  };
}

export interface IdentityHotline extends TestHotline {
  /** The store and gateway the app and its effects really use. */
  store: Store;
  twilio: SimulatedTwilioGateway;
  wallet: WalletBackend;
  handoffs: RecordedHandoff[];
  session(callSid: string): Promise<CallSession | null>;
  /** One-time codes texted so far (newest last), as the caller's phone would show them. */
  codesSentTo(phone: string): string[];
}

export interface IdentityHotlineOptions extends Omit<TestHotlineOptions, 'store' | 'redis'> {
  store?: 'redis' | 'memory';
  /** Share with another instance (same prefix) to test state seen across instances. */
  redis?: Redis;
  /** One store for several instances in this process (the embedded store shared, as on one server). */
  sharedStore?: Store;
  wallet?: (store: Store, clock: ManualClock) => WalletBackend;
  /** `queue`: hand-offs go to the app's real queue (agents take them); by default they are recorded and declined. */
  desk?: 'recording' | 'queue';
}

/**
 * The test hotline with the identity effects wired to the same store, SMS gateway and clock as
 * the app itself (startTestHotline takes them through `deps`).
 */
export async function startIdentityHotline(options: IdentityHotlineOptions = {}): Promise<IdentityHotline> {
  const clock = options.clock ?? new ManualClock();
  const ownsRedis = !options.sharedStore && options.store !== 'memory' && !options.redis;
  const redis = options.sharedStore || options.store === 'memory' ? undefined : (options.redis ?? (await testRedis()));
  const prefix = options.prefix ?? uniquePrefix('identity');
  const store = options.sharedStore ?? (redis ? createRedisStore(redis, prefix) : createMemoryStore(clock));
  const twilio = new SimulatedTwilioGateway(clock);
  const wallet = options.wallet?.(store, clock) ?? new DemoWalletBackend(demoData, store.values, clock);
  const limits = testConfig(options.env).identity;
  const effects: WalletEffectsFactory = (services) => createIdentityEffects({ wallet, store, clock, catalogue, limits, ...services });
  const handoffs: RecordedHandoff[] = [];
  const hotline = await startTestHotline({
    ...options,
    store: 'memory',
    clock,
    deps: { store, twilio, effects, ...(options.desk === 'queue' ? {} : { desk: recordingDesk(handoffs) }), ...options.deps },
  });
  return {
    ...hotline,
    store,
    twilio,
    wallet,
    handoffs,
    session: async (callSid) => {
      const stored = await store.sessions.load(callSid);
      return stored && decodeSession(stored.data);
    },
    codesSentTo: (phone) =>
      twilio
        .outbox()
        .filter((entry) => entry.kind === 'sms' && entry.to === phone)
        .map((entry) => (entry.kind === 'sms' ? /(\d{6})/.exec(entry.body)?.[1] : undefined))
        .filter((code): code is string => code !== undefined),
    close: async () => {
      await hotline.close();
      if (redis && ownsRedis) {
        await deletePrefix(redis, prefix);
        await redis.quit();
      }
    },
  };
}

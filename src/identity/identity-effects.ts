import { EFFECT_NAMES } from '../../flows/effect-contract';
import { UNAVAILABLE, type EffectHandlers } from '../calls/effects';
import type { SelfServiceEffect } from './self-service-effects';
import type { VerificationEffect } from './verification-effects';
import type { Clock } from '../clock';
import type { LimitStores } from '../limits/limit-stores';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import type { SecurityEvents } from '../security/security-events';
import type { SmsSender } from '../sms/sms-gate';
import type { KeyValueStore } from '../store/key-value-store';
import type { WalletBackend } from '../wallet/wallet-backend';
import { IdentityClaims } from './identity-claims';
import { OneTimeCodes } from './one-time-codes';
import { SecretAttempts, type IdentityLimits } from './secret-attempts';
import { selfServiceEffects } from './self-service-effects';
import { verificationEffects } from './verification-effects';

/** What the app itself gives the wallet's effects: security events and the one SMS gate. */
export interface EffectServices {
  security: SecurityEvents;
  sms: SmsSender;
}

export interface IdentityEffectsDeps extends EffectServices {
  wallet: WalletBackend;
  /** Shared by every instance: attempts, locks, one-time codes and claims must be seen by all of them. */
  store: { values: KeyValueStore; limits: LimitStores };
  clock: Clock;
  /** The read-outs in the caller's language. */
  catalogue: PromptCatalogue;
  limits: IdentityLimits;
}

/** Every effect the menu machines request (declared in flows/effect-contract.ts). */
export function createIdentityEffects(deps: IdentityEffectsDeps): WalletEffects {
  const claims = new IdentityClaims(deps.store.values);
  return {
    ...verificationEffects({
      wallet: deps.wallet,
      attempts: new SecretAttempts(deps.store.limits.attempts, deps.clock, deps.limits, deps.security),
      codes: new OneTimeCodes(deps.store.values, deps.clock),
      claims,
      sms: deps.sms,
    }),
    ...selfServiceEffects({ wallet: deps.wallet, claims, sms: deps.sms, catalogue: deps.catalogue, clock: deps.clock }),
  };
}

/** The effects that need the wallet backend. */
export type WalletEffects = EffectHandlers<VerificationEffect | SelfServiceEffect>;

/** How the app builds them: with its own security events and SMS gate. */
export type WalletEffectsFactory = (services: EffectServices) => WalletEffects;

/** For a hotline built without a wallet backend (menu tests): every wallet effect answers `unavailable`. */
export function walletUnavailableEffects(): WalletEffects {
  const unavailable = async () => UNAVAILABLE;
  return Object.fromEntries(EFFECT_NAMES.filter((name) => !name.startsWith('handoff.')).map((name) => [name, unavailable])) as unknown as WalletEffects;
}

import { EFFECT_NAMES } from '../../flows/effect-contract';
import { UNAVAILABLE, type EffectHandlers } from '../calls/effects';
import type { SelfServiceEffect } from './self-service-effects';
import type { VerificationEffect } from './verification-effects';
import type { Clock } from '../clock';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import type { KeyValueStore } from '../store/key-value-store';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import type { WalletBackend } from '../wallet/wallet-backend';
import { IdentityClaims } from './identity-claims';
import { OneTimeCodes } from './one-time-codes';
import { PinLockout } from './pin-lockout';
import { selfServiceEffects } from './self-service-effects';
import { verificationEffects } from './verification-effects';

export interface IdentityEffectsDeps {
  wallet: WalletBackend;
  /** Shared by every instance: lockouts, one-time codes and claims must be seen by all of them. */
  values: KeyValueStore;
  /** Sends the one-time code and reset link SMS (in simulate mode they appear in the outbox). */
  twilio: TwilioGateway;
  clock: Clock;
  /** Renders SMS bodies and read-outs in the caller's language. */
  catalogue: PromptCatalogue;
}

/** Every effect the menu machines request (declared in flows/effect-contract.ts). */
export function createIdentityEffects(deps: IdentityEffectsDeps): WalletEffects {
  const claims = new IdentityClaims(deps.values);
  return {
    ...verificationEffects({
      wallet: deps.wallet,
      lockout: new PinLockout(deps.values, deps.clock),
      codes: new OneTimeCodes(deps.values, deps.clock),
      claims,
      twilio: deps.twilio,
      catalogue: deps.catalogue,
    }),
    ...selfServiceEffects({ wallet: deps.wallet, claims, twilio: deps.twilio, catalogue: deps.catalogue, clock: deps.clock }),
  };
}

/** The effects that need the wallet backend. */
export type WalletEffects = EffectHandlers<VerificationEffect | SelfServiceEffect>;

/** For a hotline built without a wallet backend (menu tests): every wallet effect answers `unavailable`. */
export function walletUnavailableEffects(): WalletEffects {
  const unavailable = async () => UNAVAILABLE;
  return Object.fromEntries(EFFECT_NAMES.filter((name) => !name.startsWith('handoff.')).map((name) => [name, unavailable])) as unknown as WalletEffects;
}

import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import { normalizeChineseMobile } from '../wallet/phone-number';
import type { Wallet, WalletBackend } from '../wallet/wallet-backend';
import { UNAVAILABLE, type EffectContext, type EffectHandlers, type EffectResult } from '../calls/effects';
import type { IdentityClaims } from './identity-claims';
import type { OneTimeCodes } from './one-time-codes';
import type { PinLockout } from './pin-lockout';

export interface VerificationDeps {
  wallet: WalletBackend;
  lockout: PinLockout;
  codes: OneTimeCodes;
  claims: IdentityClaims;
  twilio: TwilioGateway;
  catalogue: PromptCatalogue;
}

const SECRET = /^\d{6}$/;

/** For the agent: phone identification of the wallet is locked (SPEC §3), so they verify another way. */
const LOCKED_OUT = { kind: 'identityLocked' } as const;

/**
 * SPEC §3 identity: which wallet the caller claims, its PIN (L1), an SMS code to its registered
 * number (L2). PINs and codes arrive in `args`, are checked and dropped: never logged, stored
 * or returned. Logs name the wallet id and the event, never a phone number.
 */
/** The effects of proving who the caller is. */
export type VerificationEffect = 'lookupCaller' | 'lookupPhone' | 'verifyPin' | 'sendCode' | 'resendCode' | 'verifyCode';

export function verificationEffects(deps: VerificationDeps): EffectHandlers<VerificationEffect> {
  const { wallet, lockout, codes, claims } = deps;

  /** The claimed wallet, unless phone identification is locked for it. */
  async function claim(found: Wallet | null, context: EffectContext): Promise<EffectResult<'lookupCaller'> & EffectResult<'lookupPhone'>> {
    if (!found) return { outcome: 'unknown' };
    const minutes = await lockout.lockedFor(found.id);
    if (minutes !== null) {
      context.log.info({ walletId: found.id }, 'identity: wallet is locked out of phone identification');
      return { outcome: 'locked', vars: { minutes }, selfService: LOCKED_OUT };
    }
    await claims.set(context.session.callSid, { walletId: found.id, phone: found.phone });
    return { outcome: 'found' };
  }

  /** A wrong PIN or code: counts towards the lock and says how many tries remain. */
  async function failure(walletId: string, what: string, context: EffectContext): Promise<EffectResult<'verifyPin'> & EffectResult<'verifyCode'>> {
    const verdict = await lockout.recordFailure(walletId);
    context.log.info({ walletId, locked: verdict.locked }, `identity: wrong ${what}`);
    if (verdict.locked) return { outcome: 'locked', vars: { minutes: verdict.minutes }, selfService: LOCKED_OUT };
    return { outcome: 'wrong', vars: { attemptsLeft: verdict.attemptsLeft } };
  }

  /** The L1 wallet of this call, for the SMS-code effects. */
  async function verifiedClaim(context: EffectContext) {
    const { facts, callSid } = context.session;
    const stored = await claims.get(callSid);
    return facts.identityLevel >= 1 && stored && stored.walletId === facts.walletId ? stored : null;
  }

  async function sendCode(context: EffectContext, fresh: boolean): Promise<EffectResult<'sendCode'> & EffectResult<'resendCode'>> {
    const verified = await verifiedClaim(context);
    if (!verified) return UNAVAILABLE;
    const minutes = await lockout.lockedFor(verified.walletId);
    if (minutes !== null) return { outcome: 'locked', vars: { minutes }, selfService: LOCKED_OUT };
    const issued = await codes.issue(context.session.callSid, verified.walletId, fresh);
    if (issued.kind === 'limit') return { outcome: 'resendUsed' };
    if (issued.kind === 'issued') {
      const body = deps.catalogue.render(context.session.language, 'sms.identity.code', { code: issued.code });
      // To the registered number, which may not be the phone the caller is using.
      await deps.twilio.sendSms({ to: verified.phone, body, callSid: context.session.callSid });
      context.log.info({ walletId: verified.walletId }, 'identity: one-time code sent');
    }
    return { outcome: 'sent' };
  }

  return {
    lookupCaller: async (_args, context) => claim(await wallet.findWalletByPhone(context.session.from), context),

    lookupPhone: async (args, context) => {
      const phone = normalizeChineseMobile(args.phone ?? '');
      if (!phone) return { outcome: 'invalid' };
      return claim(await wallet.findWalletByPhone(phone), context);
    },

    verifyPin: async (args, context) => {
      const pin = args.pin ?? '';
      if (!SECRET.test(pin)) return { outcome: 'invalid' };
      const claimed = await claims.get(context.session.callSid);
      if (!claimed) return UNAVAILABLE;
      const minutes = await lockout.lockedFor(claimed.walletId);
      // Locked: the PIN is not even checked, so a lock cannot be used to probe PINs.
      if (minutes !== null) return { outcome: 'locked', vars: { minutes }, selfService: LOCKED_OUT };
      if (!(await wallet.verifyPin(claimed.walletId, pin))) return failure(claimed.walletId, 'PIN', context);
      await lockout.recordSuccess(claimed.walletId);
      // STIR/SHAKEN attestation is noted for risk review; it never replaces the PIN (SPEC §3).
      context.log.info({ walletId: claimed.walletId, stirVerstat: context.session.stirVerstat ?? null }, 'identity: L1 by PIN');
      const identityLevel = Math.max(1, context.session.facts.identityLevel) as 1 | 2;
      return { outcome: 'verified', facts: { identityLevel, walletId: claimed.walletId } };
    },

    sendCode: async (_args, context) => sendCode(context, false),
    resendCode: async (_args, context) => sendCode(context, true),

    verifyCode: async (args, context) => {
      const verified = await verifiedClaim(context);
      if (!verified) return UNAVAILABLE;
      const code = args.code ?? '';
      if (!SECRET.test(code)) return { outcome: 'invalid' };
      const minutes = await lockout.lockedFor(verified.walletId);
      if (minutes !== null) return { outcome: 'locked', vars: { minutes }, selfService: LOCKED_OUT };
      const { callSid } = context.session;
      const result = await codes.check(callSid, verified.walletId, code);
      if (result === 'expired') return { outcome: 'expired' };
      if (result === 'mismatch') {
        const answer = await failure(verified.walletId, 'one-time code', context);
        if (answer.outcome === 'locked') await codes.discard(callSid);
        return answer;
      }
      await codes.discard(callSid);
      await lockout.recordSuccess(verified.walletId);
      context.log.info({ walletId: verified.walletId }, 'identity: L2 by one-time code');
      return { outcome: 'verified', facts: { identityLevel: 2 } };
    },
  };
}

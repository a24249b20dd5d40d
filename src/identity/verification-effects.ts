import type { SmsSender } from '../sms/sms-gate';
import { isDialable } from '../twilio/caller-id';
import { normalizeChineseMobile } from '../wallet/phone-number';
import type { WalletBackend } from '../wallet/wallet-backend';
import { UNAVAILABLE, type EffectContext, type EffectHandlers, type EffectResult } from '../calls/effects';
import type { Claim, IdentityClaims } from './identity-claims';
import type { OneTimeCodes } from './one-time-codes';
import { callerSubject, claimSubject, type LockedVerdict, type RefusedVerdict, type SecretAttempts } from './secret-attempts';

export interface VerificationDeps {
  wallet: WalletBackend;
  attempts: SecretAttempts;
  codes: OneTimeCodes;
  claims: IdentityClaims;
  sms: SmsSender;
}

const SECRET = /^\d{6}$/;

/** The effects of proving who the caller is. */
export type VerificationEffect = 'lookupCaller' | 'lookupPhone' | 'verifyPin' | 'sendCode' | 'resendCode' | 'verifyCode';

/** For the agent: phone identification is locked (the wallet) or refused (the caller ID), so they verify another way. */
const LOCKED_OUT = { kind: 'identityLocked' } as const;

/** A lock or refusal as an effect's answer: the prompt says the minutes left. */
function stopped<V extends LockedVerdict | RefusedVerdict>(verdict: V) {
  return { outcome: verdict.kind, vars: { minutes: verdict.minutes }, selfService: LOCKED_OUT } as {
    outcome: V['kind'];
    vars: { minutes: number };
    selfService: typeof LOCKED_OUT;
  };
}

/**
 * SPEC §3 identity: which wallet the caller claims, its PIN (L1), an SMS code to its registered
 * number (L2). PINs and codes arrive in `args`, are checked and dropped: never logged, stored
 * or returned. Every attempt goes through SecretAttempts (reserved before it is checked, so the
 * limits hold under any concurrency); its id is the turn's revision, so a re-sent command counts
 * once. Logs name the wallet id and the event, never a phone number.
 */
export function verificationEffects(deps: VerificationDeps): EffectHandlers<VerificationEffect> {
  const { wallet, attempts, codes, claims } = deps;

  /**
   * Why identification cannot go on for now: the caller is barred, or the claimed wallet locked.
   * A typed number no wallet has is claimed as well: until its "PIN" is checked, nothing tells it
   * apart from a registered one (SPEC §3).
   */
  async function stop(claimed: Claim | null, context: EffectContext) {
    const barred = await attempts.barrier(context.session.callSid, callerSubject(context.session), claimed && claimSubject(claimed));
    if (barred?.kind === 'locked') context.log.info({ walletId: claimed?.walletId }, 'identity: phone identification is locked');
    return barred && stopped(barred);
  }

  async function found(claimed: Claim, context: EffectContext) {
    await claims.set(context.session.callSid, claimed);
    return { outcome: 'found' } as const;
  }

  /** The L1 wallet of this call, for the SMS-code effects. */
  async function verifiedClaim(context: EffectContext) {
    const { facts, callSid } = context.session;
    const stored = await claims.get(callSid);
    return facts.identityLevel >= 1 && stored?.walletId && stored.walletId === facts.walletId ? { walletId: stored.walletId, phone: stored.phone } : null;
  }

  async function sendCode(context: EffectContext, fresh: boolean): Promise<EffectResult<'sendCode'> & EffectResult<'resendCode'>> {
    const verified = await verifiedClaim(context);
    if (!verified) return UNAVAILABLE;
    const { callSid, language } = context.session;
    const locked = await attempts.lockOf(`wallet:${verified.walletId}`);
    if (locked) return stopped(locked);
    let refused = false;
    const issued = await codes.issue(callSid, verified.walletId, fresh, async (code) => {
      // Only ever to the registered number, which may not be the phone the caller is using.
      const message = { callSid, to: verified.phone, language, template: 'sms.identity.code', vars: { code }, codeFor: verified.walletId };
      const outcome = await deps.sms.send(message, context.log);
      refused = outcome.kind === 'refused';
      return outcome.kind === 'sent';
    });
    if (issued.kind === 'limit') return { outcome: 'resendUsed' };
    if (issued.kind === 'undelivered') return refused ? { outcome: 'limited' } : UNAVAILABLE;
    if (issued.kind === 'issued') context.log.info({ walletId: verified.walletId }, 'identity: one-time code sent');
    return { outcome: 'sent' };
  }

  return {
    lookupCaller: async (_args, context) => {
      const { from } = context.session;
      // A stranger (withheld, SIP) is never matched to a wallet by caller ID (SPEC §3).
      const registered = isDialable(from) ? await wallet.findWalletByPhone(from) : null;
      const claimed = registered && { walletId: registered.id, phone: registered.phone };
      const stoppedBy = await stop(claimed, context);
      if (stoppedBy) return stoppedBy;
      return claimed ? found(claimed, context) : { outcome: 'unknown' };
    },

    lookupPhone: async (args, context) => {
      const phone = normalizeChineseMobile(args.phone ?? '');
      if (!phone) return { outcome: 'invalid' };
      const registered = await wallet.findWalletByPhone(phone);
      const claimed = { walletId: registered?.id ?? null, phone: registered?.phone ?? phone };
      return (await stop(claimed, context)) ?? found(claimed, context);
    },

    verifyPin: async (args, context) => {
      const pin = args.pin ?? '';
      if (!SECRET.test(pin)) return { outcome: 'invalid' };
      const { callSid } = context.session;
      const claimed = await claims.get(callSid);
      if (!claimed) return UNAVAILABLE;
      const ids = { callSid, attemptId: `${callSid}:${context.revision}:pin`, caller: callerSubject(context.session), subject: claimSubject(claimed) };
      const walletId = claimed.walletId;
      // A number no wallet has: its "PIN" is simply wrong, and counts like any other.
      const verdict = await attempts.pin(ids, async () => walletId !== null && wallet.verifyPin(walletId, pin));
      if (verdict.kind === 'locked' || verdict.kind === 'refused') return stopped(verdict);
      if (verdict.kind === 'wrong') {
        context.log.info({ walletId }, 'identity: wrong PIN');
        return { outcome: 'wrong', vars: { attemptsLeft: verdict.attemptsLeft } };
      }
      // Right: only a wallet's own PIN ever is, so the claim names a wallet.
      const verifiedWallet = walletId!;
      // STIR/SHAKEN attestation is noted for risk review; it never replaces the PIN (SPEC §3).
      context.log.info({ walletId: verifiedWallet, stirVerstat: context.session.stirVerstat ?? null }, 'identity: L1 by PIN');
      const identityLevel = Math.max(1, context.session.facts.identityLevel) as 1 | 2;
      return { outcome: 'verified', facts: { identityLevel, walletId: verifiedWallet } };
    },

    sendCode: async (_args, context) => sendCode(context, false),
    resendCode: async (_args, context) => sendCode(context, true),

    verifyCode: async (args, context) => {
      const verified = await verifiedClaim(context);
      if (!verified) return UNAVAILABLE;
      const code = args.code ?? '';
      if (!SECRET.test(code)) return { outcome: 'invalid' };
      const { callSid } = context.session;
      const ids = { callSid, attemptId: `${callSid}:${context.revision}:code`, subject: `wallet:${verified.walletId}` };
      const verdict = await attempts.code(ids, async () => {
        const result = await codes.check(callSid, verified.walletId, code);
        return result === 'expired' ? 'void' : result === 'match';
      });
      if (verdict.kind === 'void') return { outcome: 'expired' };
      if (verdict.kind === 'locked') {
        await codes.discard(callSid);
        return stopped(verdict);
      }
      if (verdict.kind === 'wrong') {
        context.log.info({ walletId: verified.walletId }, 'identity: wrong one-time code');
        return { outcome: 'wrong', vars: { attemptsLeft: verdict.attemptsLeft } };
      }
      await codes.discard(callSid);
      context.log.info({ walletId: verified.walletId }, 'identity: L2 by one-time code');
      return { outcome: 'verified', facts: { identityLevel: 2 } };
    },
  };
}

import type { EffectName } from '../../flows/effect-contract';
import type { IdentityLevel } from '../../flows/menu-contract';
import { UNAVAILABLE, type EffectContext, type EffectHandler, type EffectHandlers, type EffectResult } from '../calls/effects';
import type { Clock } from '../clock';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import type { SmsSender } from '../sms/sms-gate';
import type { WalletBackend } from '../wallet/wallet-backend';
import type { IdentityClaims } from './identity-claims';
import { spokenDigits } from './spoken-forms';
import { failureReasonKey, TransactionReadout } from './transaction-readout';

export interface SelfServiceDeps {
  wallet: WalletBackend;
  claims: IdentityClaims;
  sms: SmsSender;
  catalogue: PromptCatalogue;
  clock: Clock;
}

/** SPEC §2 1-2-1 ... 2-1: "the last 3". */
const RECENT_COUNT = 3;
/** SPEC §2 1-1: the reset link and its one resend. */
const RESET_LINKS_PER_CALL = 2;

/**
 * What a verified caller can do alone (SPEC §2 menus 1, 2, 4-2, 5). Each effect checks the
 * identity level itself, so no machine can reach a wallet without it.
 */
/** The effects of serving a verified caller without an agent. */
export type SelfServiceEffect =
  | 'sendResetLink'
  | 'lockStatus'
  | 'unlock'
  | 'recentTransactions'
  | 'failedTransaction'
  | 'disputes'
  | 'openCase'
  | 'freezeWallet'
  | 'pointsBalance';

export function selfServiceEffects(deps: SelfServiceDeps): EffectHandlers<SelfServiceEffect> {
  const { wallet, catalogue } = deps;
  const readout = new TransactionReadout(catalogue);

  /** Runs `work` with the call's wallet when the call has proven `level`; otherwise `unavailable`. */
  const verified =
    <E extends EffectName>(level: IdentityLevel, work: (walletId: string, context: EffectContext) => Promise<EffectResult<E>>): EffectHandler<E> =>
    async (_args, context) => {
      const { identityLevel, walletId } = context.session.facts;
      return identityLevel >= level && walletId ? work(walletId, context) : UNAVAILABLE;
    };

  return {
    sendResetLink: verified(1, async (walletId, context) => {
      const claim = await deps.claims.get(context.session.callSid);
      if (!claim || claim.walletId !== walletId) return UNAVAILABLE;
      const { link, expiresAt } = await wallet.sendPasswordResetLink(walletId);
      const minutes = Math.max(1, Math.round((Date.parse(expiresAt) - deps.clock.now()) / 60_000));
      // The link is a credential: it goes straight into the SMS to the registered number, never into the call's state.
      const { callSid, language } = context.session;
      const message = { callSid, to: claim.phone, language, template: 'sms.account.resetLink', vars: { link, minutes }, kindLimit: RESET_LINKS_PER_CALL };
      const sent = await deps.sms.send(message, context.log);
      if (sent.kind === 'refused') return { outcome: 'refused' };
      if (sent.kind === 'failed') return UNAVAILABLE;
      context.log.info({ walletId }, 'account: password reset link sent');
      return { outcome: 'sent', selfService: { kind: 'resetLinkSent' } };
    }),

    lockStatus: verified(2, async (_walletId, context) => {
      const claim = await deps.claims.get(context.session.callSid);
      const found = claim && (await wallet.findWalletByPhone(claim.phone));
      if (!found) return UNAVAILABLE;
      if (found.status === 'frozen') return { outcome: 'frozen', selfService: { kind: 'lockFrozen' } };
      if (found.status === 'active') return { outcome: 'active', selfService: { kind: 'lockActive' } };
      return found.lockReason === 'wrong-password'
        ? { outcome: 'wrongPassword', selfService: { kind: 'lockWrongPassword' } }
        : { outcome: 'suspicious', selfService: { kind: 'lockSuspicious' } };
    }),

    unlock: verified(2, async (walletId, context) => {
      const unlocked = await wallet.unlock(walletId);
      context.log.info({ walletId, unlocked }, 'account: self-service unlock');
      return unlocked ? { outcome: 'unlocked', selfService: { kind: 'unlocked' } } : { outcome: 'refused', selfService: { kind: 'unlockRefused' } };
    }),

    recentTransactions: verified(1, async (walletId, context) => {
      const { language } = context.session;
      const items = await wallet.recentTransactions(walletId, RECENT_COUNT);
      if (items.length === 0) return { outcome: 'none' };
      const lines = items.map((item) => readout.line(item, language)).join(language === 'en-US' ? ' ' : '');
      return { outcome: 'found', vars: { count: items.length, items: lines }, selfService: { kind: 'recentTransactionsRead', detail: String(items.length) } };
    }),

    failedTransaction: verified(1, async (walletId, context) => {
      const failed = await wallet.newestFailedTransaction(walletId);
      if (!failed) return { outcome: 'none', selfService: { kind: 'failedTransactionNone' } };
      return {
        outcome: 'found',
        facts: { subject: { kind: 'transaction', id: failed.id } },
        vars: readout.failure(failed, context.session.language),
        selfService: { kind: 'failedTransactionRead', ref: failed.id, detail: failureReasonKey(failed) },
      };
    }),

    disputes: verified(1, async (walletId, context) => {
      const { language } = context.session;
      const items = await wallet.disputes(walletId);
      if (items.length === 0) return { outcome: 'none' };
      const lines = items.map((item) => readout.dispute(item, language)).join(language === 'en-US' ? ' ' : '');
      return { outcome: 'found', vars: { items: lines }, selfService: { kind: 'refundStatusRead', detail: String(items.length) } };
    }),

    openCase: verified(1, async (walletId, context) => {
      const { caseId } = await wallet.openCase(walletId, { kind: 'unexpected-deduction' });
      context.log.info({ walletId, caseId }, 'transaction: case opened');
      return {
        outcome: 'opened',
        facts: { subject: { kind: 'case', id: caseId } },
        vars: { caseId, caseDigits: spokenDigits(caseId, context.session.language) },
        selfService: { kind: 'caseOpened', ref: caseId },
      };
    }),

    freezeWallet: verified(1, async (walletId, context) => {
      await wallet.freeze(walletId, 'fraud-reported');
      context.log.warn({ walletId }, 'fraud: wallet frozen at the caller\'s request');
      return { outcome: 'frozen', selfService: { kind: 'walletFrozen' } };
    }),

    pointsBalance: verified(1, async (walletId) => {
      const points = await wallet.pointsBalance(walletId);
      return { outcome: 'found', vars: { points }, selfService: { kind: 'pointsRead', detail: String(points) } };
    }),
  };
}

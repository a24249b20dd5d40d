import type { PromptVars } from '../../flows/menu-contract';
import type { Language } from '../config';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import { maskCounterparty } from '../wallet/mask';
import type { CounterpartyKind, Dispute, Transaction } from '../wallet/wallet-backend';
import { spokenAmount, spokenDate, spokenDigits, spokenTime } from './spoken-forms';

/** 'insufficient-balance' → 'insufficientBalance': wallet enums as catalogue key segments. */
const keySegment = (value: string) => value.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());

/** Why a transaction failed, as the catalogue names it (`transaction.reason.<key>`): `insufficientBalance`, or `unknown`. */
export const failureReasonKey = (transaction: Transaction) => keySegment(transaction.failureReason ?? 'unknown');

/**
 * Wallet records as sentences from the prompt catalogue, in the caller's language. Counterparties
 * are masked before they are spoken: "张某明", "the account ending in 5 6 7 8", merchants in full.
 */
export class TransactionReadout {
  constructor(private readonly catalogue: PromptCatalogue) {}

  counterparty(counterparty: string, kind: CounterpartyKind, language: Language): string {
    const masked = maskCounterparty(counterparty, kind);
    if (kind === 'merchant') return masked;
    if (kind === 'account') {
      return this.catalogue.render(language, 'transaction.counterparty.account', { last4: spokenDigits(masked, language) });
    }
    // A '*' would be read aloud as "asterisk": Chinese names use 某, Latin names keep initials.
    return /[A-Za-z]/.test(masked) ? masked.replace(/\*+/g, '.') : masked.replace(/\*/g, '某');
  }

  /** One line of the recent-transactions list. */
  line(transaction: Transaction, language: Language): string {
    return this.catalogue.render(language, transaction.direction === 'in' ? 'transaction.itemIn' : 'transaction.itemOut', {
      ...this.basics(transaction, language),
      status: this.catalogue.render(language, `transaction.status.${transaction.status}`),
    });
  }

  /** The vars of `transaction.failed`: what failed, why, and what to do about it. */
  failure(transaction: Transaction, language: Language): PromptVars {
    const reason = failureReasonKey(transaction);
    return {
      ...this.basics(transaction, language),
      reason: this.catalogue.render(language, `transaction.reason.${reason}`),
      advice: this.catalogue.render(language, `transaction.advice.${reason}`),
    };
  }

  dispute(dispute: Dispute, language: Language): string {
    return this.catalogue.render(language, `transaction.dispute.${keySegment(dispute.status)}`, {
      counterparty: this.counterparty(dispute.counterparty, dispute.counterpartyKind, language),
      amount: spokenAmount(dispute.amountFen, language),
      date: spokenDate(dispute.expectedDate, language),
    });
  }

  private basics(transaction: Transaction, language: Language): PromptVars {
    return {
      time: spokenTime(transaction.at, language),
      amount: spokenAmount(transaction.amountFen, language),
      counterparty: this.counterparty(transaction.counterparty, transaction.counterpartyKind, language),
    };
  }
}

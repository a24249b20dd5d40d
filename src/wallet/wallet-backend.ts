/**
 * The IVR's only view of the wallet's core system (SPEC §5 "Wallet backend"). Two
 * implementations: `HttpWalletBackend` (the real core API) and `DemoWalletBackend` (a data file,
 * the default). Amounts are integers in fen (1 yuan = 100 fen) so no float ever reaches a prompt.
 */

export type Language = 'zh-CN' | 'en-US';
export type WalletStatus = 'active' | 'locked' | 'frozen';
/** Decides the IVR branch: a password lock is self-service, a security lock goes to tier 2. */
export type LockReason = 'wrong-password' | 'suspicious-activity';

export interface Wallet {
  id: string;
  /** E.164, e.g. +8613800000001. */
  phone: string;
  displayName?: string;
  preferredLanguage: Language;
  status: WalletStatus;
  /** Set only while `status` is 'locked'. */
  lockReason: LockReason | null;
  pointsBalance: number;
}

export type TransactionStatus = 'succeeded' | 'failed' | 'pending' | 'refunding' | 'refunded';
export type FailureReason = 'insufficient-balance' | 'network-timeout' | 'wrong-payee' | 'risk-control';
/** People's names and account numbers are masked before a prompt reads them; merchants are not. */
export type CounterpartyKind = 'person' | 'merchant' | 'account';

export interface Transaction {
  id: string;
  /** ISO 8601 date-time with offset. */
  at: string;
  amountFen: number;
  direction: 'in' | 'out';
  /** Full name or account number: mask with `maskCounterparty` before it reaches a caller or agent. */
  counterparty: string;
  counterpartyKind: CounterpartyKind;
  status: TransactionStatus;
  /** Set only for failed transactions, and null there too when the core does not know why. */
  failureReason: FailureReason | null;
}

export type DisputeStatus = 'refund-in-progress' | 'refunded' | 'rejected';

export interface Dispute {
  id: string;
  transactionId: string;
  amountFen: number;
  counterparty: string;
  counterpartyKind: CounterpartyKind;
  status: DisputeStatus;
  /** YYYY-MM-DD: when the money is expected back while in progress, when it was decided otherwise. */
  expectedDate: string;
}

export type CaseKind = 'unexpected-deduction' | 'fraud-report' | 'other';

export interface NewCase {
  kind: CaseKind;
  transactionId?: string;
  note?: string;
}

export type FreezeReason = 'fraud-reported' | 'phone-lost';

export interface PasswordResetLink {
  /** URL the IVR puts into an SMS to the registered number. */
  link: string;
  /** ISO 8601 date-time after which the link no longer works. */
  expiresAt: string;
}

/**
 * Wallet ids come from `findWalletByPhone`; an unknown id anywhere else is a contract error
 * (`WalletRequestError`), except in `verifyPin`, which simply answers false.
 * Every method rejects with `WalletUnavailableError` (or its subclass) when the backend cannot answer.
 */
export interface WalletBackend {
  /** Accepts E.164 and the Chinese mobile number with or without 86; null when no wallet has it. */
  findWalletByPhone(phone: string): Promise<Wallet | null>;
  verifyPin(walletId: string, pin: string): Promise<boolean>;
  /** Newest first, at most `limit`. */
  recentTransactions(walletId: string, limit: number): Promise<Transaction[]>;
  newestFailedTransaction(walletId: string): Promise<Transaction | null>;
  disputes(walletId: string): Promise<Dispute[]>;
  /** `caseId` is digits only, so a prompt can read it digit by digit. */
  openCase(walletId: string, newCase: NewCase): Promise<{ caseId: string }>;
  pointsBalance(walletId: string): Promise<number>;
  /** Lifts a wrong-password lock. False when the lock is not self-service (security lock, frozen). */
  unlock(walletId: string): Promise<boolean>;
  /** Idempotent: freezing a frozen wallet succeeds. */
  freeze(walletId: string, reason: FreezeReason): Promise<void>;
  sendPasswordResetLink(walletId: string): Promise<PasswordResetLink>;
}

/**
 * The wallet backend could not answer (down, timeout, 5xx, unusable reply). The IVR apologises
 * and offers an agent; it never retries on its own, the adapter already did.
 */
export class WalletUnavailableError extends Error {
  override readonly name: string = 'WalletUnavailableError';
}

/**
 * The request broke the contract (a 4xx the adapter does not map to null/false, an unknown
 * wallet id): a bug on one side rather than an outage. A subclass so code that apologises on
 * `WalletUnavailableError` covers it too, while logs and alerts can tell the two apart.
 */
export class WalletRequestError extends WalletUnavailableError {
  override readonly name: string = 'WalletRequestError';

  constructor(message: string, readonly status: number) {
    super(message);
  }
}

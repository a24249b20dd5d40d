import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';
import type { KeyValueStore } from '../store/key-value-store';
import type { DemoWallet, DemoWalletData } from './demo-wallet-data';
import { normalizePhone } from './phone-number';
import { verifyPinHash } from './pin-hash';
import { freezeReasonSchema, lockReasonSchema, walletSchema, walletStatusSchema } from './wallet-schemas';
import {
  WalletRequestError,
  WalletUnavailableError,
  type Dispute,
  type FreezeReason,
  type NewCase,
  type PasswordResetLink,
  type Transaction,
  type Wallet,
  type WalletBackend,
} from './wallet-backend';

/**
 * The default wallet backend: wallets from the demo data file, with the state the IVR changes
 * (lock/freeze, cases) kept in the shared key-value store, so every instance and a restart see it.
 */

const RESET_LINK_BASE = 'https://wallet.baixin.example/reset-password';
const RESET_LINK_TTL_MS = 30 * 60 * 1000;
// increment() needs an expiry; a century is "never" for a case counter.
const CASE_COUNTER_TTL_MS = 100 * 365 * 24 * 60 * 60 * 1000;
// 8-digit case numbers, never starting with 0 (a leading zero is easy to drop when read out).
const FIRST_CASE_NUMBER = 10_000_000;

const stateKey = (walletId: string) => `wallet:state:${walletId}`;
const CASE_COUNTER_KEY = 'wallet:case-counter';
const caseKey = (caseId: string) => `wallet:case:${caseId}`;

/** Overrides the file's status; `frozenFor` and `changedAt` are kept for whoever audits the demo. */
const stateOverrideSchema = z.object({
  status: walletStatusSchema,
  lockReason: lockReasonSchema.nullable(),
  frozenFor: freezeReasonSchema.optional(),
  changedAt: z.iso.datetime(),
});
type StateOverride = z.infer<typeof stateOverrideSchema>;

export class DemoWalletBackend implements WalletBackend {
  private readonly byId = new Map<string, DemoWallet>();
  private readonly byPhone = new Map<string, DemoWallet>();

  constructor(data: DemoWalletData, private readonly values: KeyValueStore, private readonly clock: Clock) {
    for (const wallet of data.wallets) {
      this.byId.set(wallet.id, wallet);
      this.byPhone.set(wallet.phone, wallet);
    }
  }

  async findWalletByPhone(phone: string): Promise<Wallet | null> {
    const normalized = normalizePhone(phone);
    const wallet = normalized === null ? undefined : this.byPhone.get(normalized);
    if (!wallet) return null;
    const override = await this.readState(wallet.id);
    const merged = override ? { ...wallet, status: override.status, lockReason: override.lockReason } : wallet;
    // Parsing strips every field the summary does not have: the PIN hash never leaves this class.
    return walletSchema.parse(merged);
  }

  async verifyPin(walletId: string, pin: string): Promise<boolean> {
    const wallet = this.byId.get(walletId);
    return wallet ? verifyPinHash(pin, wallet.pinHash) : false;
  }

  async recentTransactions(walletId: string, limit: number): Promise<Transaction[]> {
    return this.newestFirst(walletId).slice(0, Math.max(0, limit));
  }

  async newestFailedTransaction(walletId: string): Promise<Transaction | null> {
    return this.newestFirst(walletId).find((transaction) => transaction.status === 'failed') ?? null;
  }

  async disputes(walletId: string): Promise<Dispute[]> {
    return this.wallet(walletId).disputes;
  }

  async openCase(walletId: string, newCase: NewCase): Promise<{ caseId: string }> {
    const wallet = this.wallet(walletId);
    const { transactionId } = newCase;
    if (transactionId !== undefined && !wallet.transactions.some((transaction) => transaction.id === transactionId)) {
      throw new WalletRequestError(`transaction ${transactionId} is not in wallet ${walletId}`, 422);
    }
    return this.storeAccess(async () => {
      const caseId = String(FIRST_CASE_NUMBER + (await this.values.increment(CASE_COUNTER_KEY, CASE_COUNTER_TTL_MS)));
      const record = { walletId, ...newCase, openedAt: this.isoNow() };
      await this.values.set(caseKey(caseId), JSON.stringify(record));
      return { caseId };
    });
  }

  async pointsBalance(walletId: string): Promise<number> {
    return this.wallet(walletId).pointsBalance;
  }

  async unlock(walletId: string): Promise<boolean> {
    const wallet = this.wallet(walletId);
    const current = (await this.readState(walletId)) ?? wallet;
    if (current.status === 'active') return true;
    // Only a password lock is self-service; security locks and freezes need a person (tier 2).
    if (current.status !== 'locked' || current.lockReason !== 'wrong-password') return false;
    await this.writeState(walletId, { status: 'active', lockReason: null, changedAt: this.isoNow() });
    return true;
  }

  async freeze(walletId: string, reason: FreezeReason): Promise<void> {
    this.wallet(walletId);
    await this.writeState(walletId, { status: 'frozen', lockReason: null, frozenFor: reason, changedAt: this.isoNow() });
  }

  async sendPasswordResetLink(walletId: string): Promise<PasswordResetLink> {
    this.wallet(walletId);
    // Nothing redeems demo links; the random token only makes them look and behave like real ones.
    const token = randomBytes(16).toString('base64url');
    return {
      link: `${RESET_LINK_BASE}?token=${token}`,
      expiresAt: new Date(this.clock.now() + RESET_LINK_TTL_MS).toISOString(),
    };
  }

  private wallet(walletId: string): DemoWallet {
    const wallet = this.byId.get(walletId);
    if (!wallet) throw new WalletRequestError(`unknown wallet ${walletId}`, 404);
    return wallet;
  }

  private newestFirst(walletId: string): Transaction[] {
    return [...this.wallet(walletId).transactions].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  }

  private async readState(walletId: string): Promise<StateOverride | null> {
    const raw = await this.storeAccess(() => this.values.get(stateKey(walletId)));
    if (raw === null) return null;
    const parsed = stateOverrideSchema.safeParse(parseJson(raw));
    if (!parsed.success) throw new WalletUnavailableError(`stored state of wallet ${walletId} is malformed`);
    return parsed.data;
  }

  private async writeState(walletId: string, state: StateOverride): Promise<void> {
    await this.storeAccess(() => this.values.set(stateKey(walletId), JSON.stringify(state)));
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** A store outage must look like any other backend outage to the IVR: apology and an agent. */
  private async storeAccess<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new WalletUnavailableError('demo wallet state store is unreachable', { cause: error });
    }
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

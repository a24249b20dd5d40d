import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { requestJson, type JsonResponse } from './json-http-client';
import { normalizePhone } from './phone-number';
import { disputeSchema, transactionSchema, walletSchema } from './wallet-schemas';
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

/** Client of the wallet core API (docs/wallet-core-api.md). */

export interface HttpWalletBackendOptions {
  /** WALLET_API_URL, e.g. https://wallet-core.internal/api/v1 */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`. */
  token: string;
  /** Per attempt; default 2000 ms. A caller is waiting on the line. */
  timeoutMs?: number;
}

// One retry: a second attempt often lands on another core instance; more would keep a caller in
// silence too long. POSTs are retried safely because every one carries an Idempotency-Key.
const ATTEMPTS = 2;

const walletsReply = z.object({ items: z.array(walletSchema).max(1, 'a phone number belongs to at most one wallet') });
const pinReply = z.object({ valid: z.boolean() });
const transactionsReply = z.object({ items: z.array(transactionSchema) });
const disputesReply = z.object({ items: z.array(disputeSchema) });
const caseReply = z.object({ caseId: z.string().regex(/^\d{4,16}$/, 'caseId must be digits only') });
const pointsReply = z.object({ balance: z.number().int().nonnegative() });
const resetLinkReply = z.object({ link: z.url({ protocol: /^https?$/ }), expiresAt: z.iso.datetime({ offset: true }) });
const noBody = z.unknown();

type Method = 'GET' | 'POST';

export class HttpWalletBackend implements WalletBackend {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;

  constructor(options: HttpWalletBackendOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  async findWalletByPhone(phone: string): Promise<Wallet | null> {
    const normalized = normalizePhone(phone);
    if (normalized === null) return null;
    const reply = await this.send('GET', '/wallets', { query: { phone: normalized } });
    return this.expect(reply, 'GET', '/wallets', walletsReply).items[0] ?? null;
  }

  async verifyPin(walletId: string, pin: string): Promise<boolean> {
    const path = `${walletPath(walletId)}/pin-verifications`;
    const reply = await this.send('POST', path, { body: { pin } });
    if (reply.status === 404) return false;
    return this.expect(reply, 'POST', path, pinReply).valid;
  }

  async recentTransactions(walletId: string, limit: number): Promise<Transaction[]> {
    return this.transactions(walletId, { limit: String(limit) });
  }

  async newestFailedTransaction(walletId: string): Promise<Transaction | null> {
    return (await this.transactions(walletId, { status: 'failed', limit: '1' }))[0] ?? null;
  }

  async disputes(walletId: string): Promise<Dispute[]> {
    return (await this.get(`${walletPath(walletId)}/disputes`, disputesReply)).items;
  }

  async openCase(walletId: string, newCase: NewCase): Promise<{ caseId: string }> {
    const path = `${walletPath(walletId)}/cases`;
    return this.expect(await this.send('POST', path, { body: newCase }), 'POST', path, caseReply);
  }

  async pointsBalance(walletId: string): Promise<number> {
    return (await this.get(`${walletPath(walletId)}/points`, pointsReply)).balance;
  }

  async unlock(walletId: string): Promise<boolean> {
    const path = `${walletPath(walletId)}/unlock`;
    const reply = await this.send('POST', path, {});
    // 409: the lock is not one a caller may lift by phone (security lock, frozen wallet).
    if (reply.status === 409) return false;
    this.expect(reply, 'POST', path, noBody);
    return true;
  }

  async freeze(walletId: string, reason: FreezeReason): Promise<void> {
    const path = `${walletPath(walletId)}/freeze`;
    this.expect(await this.send('POST', path, { body: { reason } }), 'POST', path, noBody);
  }

  async sendPasswordResetLink(walletId: string): Promise<PasswordResetLink> {
    const path = `${walletPath(walletId)}/password-reset-links`;
    return this.expect(await this.send('POST', path, {}), 'POST', path, resetLinkReply);
  }

  private async transactions(walletId: string, query: Record<string, string>): Promise<Transaction[]> {
    return (await this.get(`${walletPath(walletId)}/transactions`, transactionsReply, query)).items;
  }

  private async get<T>(path: string, schema: z.ZodType<T>, query?: Record<string, string>): Promise<T> {
    return this.expect(await this.send('GET', path, query ? { query } : {}), 'GET', path, schema);
  }

  /**
   * Sends with the retry budget; returns any reply below 500 for the caller to interpret.
   * Error messages name the method and path only: never the query (a phone number) or the body (a PIN).
   */
  private async send(
    method: Method,
    path: string,
    { query, body }: { query?: Record<string, string>; body?: unknown },
  ): Promise<JsonResponse> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    // The same key on the retry lets the core recognise a repeat of a request it may have applied.
    if (method === 'POST') headers['idempotency-key'] = randomUUID();
    for (let attempt = 1; ; attempt++) {
      let failure: WalletUnavailableError;
      try {
        const reply = await requestJson({ method, url, headers, body, timeoutMs: this.timeoutMs });
        if (reply.status < 500) return reply;
        failure = new WalletUnavailableError(`wallet core ${method} ${path} answered ${reply.status}`);
      } catch (error) {
        // The code (ECONNREFUSED, HttpTimeoutError…) only: some messages quote the full URL.
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
        failure = new WalletUnavailableError(`wallet core ${method} ${path} failed: ${reason}`, { cause: error });
      }
      if (attempt >= ATTEMPTS) throw failure;
    }
  }

  /** Success must be 2xx with a body of the documented shape; a body the IVR cannot use is an outage. */
  private expect<T>(reply: JsonResponse, method: Method, path: string, schema: z.ZodType<T>): T {
    if (reply.status < 200 || reply.status >= 300) {
      throw new WalletRequestError(`wallet core ${method} ${path} answered ${reply.status}`, reply.status);
    }
    const parsed = schema.safeParse(reply.body);
    if (!parsed.success) {
      throw new WalletUnavailableError(`wallet core ${method} ${path} answered an unexpected body: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
  }
}

function walletPath(walletId: string): string {
  return `/wallets/${encodeURIComponent(walletId)}`;
}

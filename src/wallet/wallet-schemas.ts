import { z } from 'zod';
import type { Dispute, FreezeReason, LockReason, Transaction, Wallet, WalletStatus } from './wallet-backend';

/**
 * Runtime checks for wallet data from outside the process (the core API's replies, the demo data
 * file), typed against the interface so the two can never drift apart.
 */

const counterpartyKind = z.enum(['person', 'merchant', 'account']);
export const walletStatusSchema = z.enum(['active', 'locked', 'frozen']) satisfies z.ZodType<WalletStatus>;
export const lockReasonSchema = z.enum(['wrong-password', 'suspicious-activity']) satisfies z.ZodType<LockReason>;
export const freezeReasonSchema = z.enum(['fraud-reported', 'phone-lost']) satisfies z.ZodType<FreezeReason>;

export const walletSchema = z.object({
  id: z.string().min(1),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'phone must be E.164'),
  displayName: z.string().min(1).optional(),
  preferredLanguage: z.enum(['zh-CN', 'en-US']),
  status: walletStatusSchema,
  lockReason: lockReasonSchema.nullable(),
  pointsBalance: z.number().int().nonnegative(),
}) satisfies z.ZodType<Wallet>;

export const transactionSchema = z.object({
  id: z.string().min(1),
  at: z.iso.datetime({ offset: true }),
  amountFen: z.number().int().positive(),
  direction: z.enum(['in', 'out']),
  counterparty: z.string().min(1),
  counterpartyKind,
  status: z.enum(['succeeded', 'failed', 'pending', 'refunding', 'refunded']),
  failureReason: z.enum(['insufficient-balance', 'network-timeout', 'wrong-payee', 'risk-control']).nullable(),
}) satisfies z.ZodType<Transaction>;

export const disputeSchema = z.object({
  id: z.string().min(1),
  transactionId: z.string().min(1),
  amountFen: z.number().int().positive(),
  counterparty: z.string().min(1),
  counterpartyKind,
  status: z.enum(['refund-in-progress', 'refunded', 'rejected']),
  expectedDate: z.iso.date(),
}) satisfies z.ZodType<Dispute>;

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { disputeSchema, transactionSchema, walletSchema } from './wallet-schemas';

/** The demo directory's data file: wallets as the core would report them, plus PIN hashes and history. */
const demoWalletSchema = walletSchema.extend({
  pinHash: z.string().startsWith('scrypt$', 'pinHash must be made with hashPin (scrypt$salt$hash)'),
  transactions: z.array(transactionSchema),
  disputes: z.array(disputeSchema),
});

const demoWalletFileSchema = z
  .object({ wallets: z.array(demoWalletSchema).min(1) })
  .superRefine(({ wallets }, context) => {
    // A duplicate would make a phone lookup or an id ambiguous.
    for (const field of ['id', 'phone'] as const) {
      const values = wallets.map((wallet) => wallet[field]);
      const duplicate = values.find((value, index) => values.indexOf(value) !== index);
      if (duplicate !== undefined) context.addIssue({ code: 'custom', message: `duplicate wallet ${field} ${duplicate}` });
    }
  });

export type DemoWallet = z.infer<typeof demoWalletSchema>;
export type DemoWalletData = z.infer<typeof demoWalletFileSchema>;

export const DEFAULT_DEMO_WALLETS_FILE = 'data/demo-wallets.json';

/** Reads and validates the file; a bad file stops start-up with a message naming it and the problem. */
export function loadDemoWallets(file: string = DEFAULT_DEMO_WALLETS_FILE): DemoWalletData {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`demo wallet file ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  const parsed = demoWalletFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`demo wallet file ${file} is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

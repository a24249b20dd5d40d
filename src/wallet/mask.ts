import type { CounterpartyKind } from './wallet-backend';

/**
 * What a caller (or an agent's queue view) may hear of a counterparty: merchants in full, a
 * person's name with its middle hidden ("张*明", "J*** S****"), accounts by their last 4 digits.
 */
export function maskCounterparty(counterparty: string, kind: CounterpartyKind): string {
  switch (kind) {
    case 'merchant':
      return counterparty;
    case 'account':
      return `****${counterparty.replace(/\D/g, '').slice(-4)}`;
    case 'person':
      return maskPersonName(counterparty.trim());
  }
}

function maskPersonName(name: string): string {
  // Latin names: keep each word's initial.
  if (/\s/.test(name)) return name.split(/\s+/).map((word) => maskWord(word, false)).join(' ');
  return maskWord(name, true);
}

/** Array.from counts characters, not UTF-16 units, so rare CJK characters stay whole. */
function maskWord(word: string, keepLast: boolean): string {
  const chars = Array.from(word);
  if (chars.length <= 1) return '*';
  if (!keepLast || chars.length === 2) return chars[0] + '*'.repeat(chars.length - 1);
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

/**
 * Callers type the registered number on the keypad in whatever form they know it, and caller IDs
 * arrive as E.164: every form is reduced to E.164 before a lookup.
 */

const SEPARATORS = /[\s\-().]/g;
// Chinese mobile numbers: 11 digits, 1 then 3-9.
const NATIONAL_MOBILE = /^1[3-9]\d{9}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** '+8613800000001', '8613800000001', '008613800000001', '138 0000 0001' → '+8613800000001'; else null. */
export function normalizeChineseMobile(input: string): string | null {
  const compact = input.replace(SEPARATORS, '');
  const national = compact.replace(/^(\+86|0086|86)(?=\d{11}$)/, '');
  return NATIONAL_MOBILE.test(national) ? `+86${national}` : null;
}

/** A Chinese mobile in any accepted form, or any other number already in E.164; else null. */
export function normalizePhone(input: string): string | null {
  const compact = input.replace(SEPARATORS, '');
  return normalizeChineseMobile(compact) ?? (E164.test(compact) ? compact : null);
}

import { isDialable } from '../twilio/caller-id';

/** Chinese mobile numbers: +86 1[3-9] and 9 digits. Landlines cannot take an SMS. */
const CHINESE_MOBILE = /^\+861[3-9]\d{9}$/;

/**
 * A number an SMS may go to (SPEC §3): dialable, in one of the allowed countries (SMS pumping
 * targets expensive destinations) and, for China, a mobile number. Elsewhere mobile numbers cannot
 * be told by their form: Twilio refuses a landline with 21614.
 */
export function isTextable(number: string, countryCodes: readonly string[]): boolean {
  if (!isDialable(number)) return false;
  const country = countryCodes.find((code) => number.startsWith(`+${code}`));
  if (country === undefined) return false;
  return country === '86' ? CHINESE_MOBILE.test(number) : true;
}

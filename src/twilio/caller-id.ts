/**
 * What Twilio's `From` says about who is calling (SPEC §3 "Withheld numbers"). Twilio gives a
 * withheld or unknown caller ID as one of a few placeholder numbers or words; SIP and Twilio
 * Client callers arrive as URIs. None of them is a number: never "the same caller" as another,
 * never an SMS or callback destination, never matched to a wallet.
 */
const PLACEHOLDER_NUMBERS = new Set(['+266696687', '+7378742833', '+86282452253']);
const PLACEHOLDER_WORDS = new Set(['anonymous', 'restricted', 'unavailable', 'unknown', 'private']);
const E164 = /^\+[1-9]\d{6,14}$/;

/** True when `from` is a real E.164 number we may call back or text. */
export function isDialable(from: string): boolean {
  const trimmed = from.trim();
  if (trimmed === '' || PLACEHOLDER_WORDS.has(trimmed.toLowerCase()) || PLACEHOLDER_NUMBERS.has(trimmed)) return false;
  return E164.test(trimmed);
}

/**
 * What Twilio's `From` says about who is calling (SPEC §3 "Withheld numbers"). Twilio gives a
 * withheld or unknown caller ID as one of a few placeholder numbers or words; SIP and Twilio
 * Client callers arrive as URIs. None of them is a number: never "the same caller" as another,
 * never an SMS or callback destination, never matched to a wallet.
 */
const PLACEHOLDER_NUMBERS = new Set(['+266696687', '+7378742833', '+86282452253']);
const PLACEHOLDER_WORDS = new Set(['anonymous', 'restricted', 'unavailable', 'unknown', 'private']);
const E164 = /^\+[1-9]\d{6,14}$/;

/** What a caller without a usable caller ID is known as: nobody (every consumer treats '' as a stranger). */
export const STRANGER = '';

/** True when `from` is a real E.164 number we may call back or text. */
export function isDialable(from: string): boolean {
  const trimmed = from.trim();
  if (trimmed === '' || PLACEHOLDER_WORDS.has(trimmed.toLowerCase()) || PLACEHOLDER_NUMBERS.has(trimmed)) return false;
  return E164.test(trimmed);
}

/**
 * The one normalisation of `From`, applied where webhooks are parsed (webhook-bodies.ts): the
 * caller's E.164 number, or STRANGER. History, repeat-caller priority, calls today, velocity
 * limits, SMS and callbacks all read this, never Twilio's raw field.
 */
export function callerNumber(from: string): string {
  return isDialable(from) ? from.trim() : STRANGER;
}

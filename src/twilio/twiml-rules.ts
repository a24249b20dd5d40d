import type { Delivery } from './answer';
import type { TwimlNode } from './twiml-tree';

/** Twilio's limits on what it runs (../shared/TWILIO.md); breaking one is a call that fails. */
export const TWIML_LIMITS = {
  /** A REST call update or create refuses longer TwiML (error 32018). */
  callUpdateChars: 4000,
  /** Polly voices read at most this many UTF-8 bytes in one `<Say>` (error 13521). */
  sayBytes: 3000,
  /** The URL-encoded text of one `<Say>`. */
  sayEncodedChars: 4500,
} as const;

type Verb = TwimlNode['verb'];

/** The verbs allowed at the top of each delivery, and inside the verbs that nest. */
const TOP_LEVEL: Record<Delivery, ReadonlySet<Verb>> = {
  webhook: new Set(['Say', 'Play', 'Pause', 'Gather', 'Redirect', 'Enqueue', 'Dial', 'Hangup', 'Leave']),
  // An `<Enqueue waitUrl>` (and a key's answer while waiting) may hold only these.
  waitUrl: new Set(['Say', 'Play', 'Pause', 'Gather', 'Redirect', 'Hangup', 'Leave']),
  callUpdate: new Set(['Say', 'Play', 'Pause', 'Gather', 'Redirect', 'Enqueue', 'Dial', 'Hangup']),
};
const NESTED: Partial<Record<Verb, ReadonlySet<Verb>>> = {
  Gather: new Set(['Say', 'Play', 'Pause']),
  Dial: new Set(['Number', 'Client']),
};
/** Attributes that hold a URL Twilio will call. */
const URL_ATTRIBUTES = ['action', 'url', 'waitUrl'];

export class TwimlRuleError extends Error {}

/** Throws when `verbs` break a rule Twilio enforces for `delivery` (what may stand where, URLs, `<Say>` sizes). */
export function checkTwiml(verbs: TwimlNode[], delivery: Delivery): void {
  for (const node of verbs) {
    if (!TOP_LEVEL[delivery].has(node.verb)) throw new TwimlRuleError(`<${node.verb}> is not allowed in ${delivery} TwiML`);
    checkNode(node, delivery);
  }
}

/** Throws when serialised TwiML is longer than `delivery` takes; returns it otherwise. */
export function checkLength(xml: string, delivery: Delivery): string {
  if (delivery === 'callUpdate' && xml.length > TWIML_LIMITS.callUpdateChars) {
    throw new TwimlRuleError(`call-update TwiML of ${xml.length} characters exceeds ${TWIML_LIMITS.callUpdateChars}`);
  }
  return xml;
}

function checkNode(node: TwimlNode, delivery: Delivery): void {
  if (node.verb === 'Say') checkSay(node.text ?? '');
  if (node.verb === 'Redirect' || node.verb === 'Play') checkUrl(node.verb, node.text ?? '', delivery);
  for (const name of URL_ATTRIBUTES) {
    const value = node.attributes?.[name];
    if (typeof value === 'string') checkUrl(`${node.verb} ${name}`, value, delivery);
  }
  if (node.verb === 'Gather' && delivery === 'waitUrl') {
    const input = node.attributes?.input;
    // While queued a Gather takes keys or speech, not both.
    if (Array.isArray(input) && input.length !== 1) throw new TwimlRuleError('a <Gather> in wait-URL TwiML takes one input');
  }
  const allowed = NESTED[node.verb] ?? new Set<Verb>();
  for (const child of node.children ?? []) {
    if (!allowed.has(child.verb)) throw new TwimlRuleError(`<${child.verb}> may not be nested in <${node.verb}>`);
    checkNode(child, delivery);
  }
}

function checkSay(text: string): void {
  if (text.trim() === '') throw new TwimlRuleError('an empty <Say>');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > TWIML_LIMITS.sayBytes) throw new TwimlRuleError(`a <Say> of ${bytes} bytes exceeds ${TWIML_LIMITS.sayBytes}`);
  const encoded = encodeURIComponent(text).length;
  if (encoded > TWIML_LIMITS.sayEncodedChars) throw new TwimlRuleError(`a <Say> of ${encoded} URL-encoded characters exceeds ${TWIML_LIMITS.sayEncodedChars}`);
}

/** A call update runs outside any request, so Twilio has no base to resolve a relative URL against. */
function checkUrl(what: string, url: string, delivery: Delivery): void {
  if (delivery === 'callUpdate' && !/^https?:\/\//.test(url)) throw new TwimlRuleError(`${what} URL ${url} must be absolute in call-update TwiML`);
}

import { XMLParser } from 'fast-xml-parser';

/** One TwiML verb as a driver follows it. */
export type Verb =
  | { verb: 'Say'; text: string; language?: string; voice?: string }
  | { verb: 'Gather'; action: string; input: string; numDigits?: number; language?: string; finishOnKey?: string; actionOnEmptyResult?: string; hints?: string; children: Verb[] }
  | { verb: 'Redirect'; url: string }
  | { verb: 'Enqueue'; queue: string; waitUrl?: string; action?: string }
  /** `answerUrl`: the `url` of the dialled noun, which Twilio requests when that party answers. */
  | { verb: 'Dial'; target: string; action?: string; answerUrl?: string }
  | { verb: 'Hangup' }
  | { verb: 'Pause'; length: number }
  | { verb: 'Play'; url: string }
  | { verb: 'Leave' }
  | { verb: string };

export type SayVerb = Extract<Verb, { verb: 'Say' }>;
export type GatherVerb = Extract<Verb, { verb: 'Gather' }>;
export type RedirectVerb = Extract<Verb, { verb: 'Redirect' }>;
export type EnqueueVerb = Extract<Verb, { verb: 'Enqueue' }>;
export type DialVerb = Extract<Verb, { verb: 'Dial' }>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseAttributeValue: false,
  trimValues: true,
  parseTagValue: false,
});

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Reads TwiML the way Twilio would: verbs in document order, with their attributes. */
export function readTwiml(xml: string): Verb[] {
  const document = parser.parse(xml) as Node[];
  const response = document.find((node) => 'Response' in node);
  if (!response) throw new Error(`not TwiML: ${xml.slice(0, 200)}`);
  return (response.Response as Node[]).map(toVerb);
}

function text(node: Node, name: string): string {
  const children = (node[name] as Node[] | undefined) ?? [];
  return children.map((child) => String(child['#text'] ?? '')).join('');
}

function toVerb(node: Node): Verb {
  const name = Object.keys(node).find((key) => key !== ':@')!;
  const attrs = node[':@'] ?? {};
  switch (name) {
    case 'Say':
      return { verb: 'Say', text: text(node, name), language: attrs.language, voice: attrs.voice };
    case 'Gather':
      return {
        verb: 'Gather',
        action: attrs.action ?? '',
        input: attrs.input ?? 'dtmf',
        numDigits: attrs.numDigits ? Number(attrs.numDigits) : undefined,
        language: attrs.language,
        finishOnKey: attrs.finishOnKey,
        actionOnEmptyResult: attrs.actionOnEmptyResult,
        hints: attrs.hints,
        children: ((node.Gather as Node[]) ?? []).map(toVerb),
      };
    case 'Redirect':
      return { verb: 'Redirect', url: text(node, name) };
    case 'Enqueue':
      return { verb: 'Enqueue', queue: text(node, name), waitUrl: attrs.waitUrl, action: attrs.action };
    case 'Dial': {
      const children = (node.Dial as Node[]) ?? [];
      const inner = children.find((child) => !('#text' in child));
      const noun = inner && Object.keys(inner).find((key) => key !== ':@');
      const target = inner && noun ? `${noun}:${text(inner, noun)}` : text(node, name);
      return { verb: 'Dial', target, action: attrs.action, answerUrl: inner?.[':@']?.url };
    }
    case 'Pause':
      return { verb: 'Pause', length: Number(attrs.length ?? 1) };
    case 'Play':
      return { verb: 'Play', url: text(node, name) };
    default:
      return { verb: name };
  }
}

/** Every <Say> the caller would hear, in order, including those nested in a Gather. */
export function says(verbs: Verb[]): SayVerb[] {
  return verbs.flatMap((verb) => {
    if (verb.verb === 'Say') return [verb as SayVerb];
    if (verb.verb === 'Gather') return says((verb as GatherVerb).children);
    return [];
  });
}

/**
 * Everything the caller would hear, in order, including prompts nested in a Gather. A prompt
 * with a phrase of the other language is several `<Say>`s, one per voice (SPEC §2): Says that
 * switch language are heard as one prompt.
 */
export function spokenText(verbs: Verb[]): string[] {
  const heard: string[] = [];
  let previous: string | undefined;
  for (const say of says(verbs)) {
    if (previous !== undefined && say.language !== previous && heard.length > 0) heard[heard.length - 1] += say.text;
    else heard.push(say.text);
    previous = say.language;
  }
  return heard;
}

/** The first verb of that name in the document (not nested), e.g. the Gather that listens. */
export function firstVerb<Name extends 'Gather' | 'Redirect' | 'Enqueue' | 'Dial'>(verbs: Verb[], name: Name): Extract<Verb, { verb: Name }> | undefined {
  return verbs.find((verb): verb is Extract<Verb, { verb: Name }> => verb.verb === name);
}

const GATHER_ACTION = /<Gather\b[^>]*\baction="([^"]+)"/;

function unescapeXml(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/**
 * The action URL of the first Gather, without parsing the document: the benchmark's load generator
 * reads thousands of answers a second and must not spend its CPU on XML. It reads what the renderer
 * writes (attributes in double quotes); anything else goes through readTwiml.
 */
export function gatherAction(xml: string): string | undefined {
  const action = GATHER_ACTION.exec(xml)?.[1];
  return action === undefined ? undefined : unescapeXml(action);
}

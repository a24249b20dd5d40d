import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';

/** A TwiML verb as plain data, so its shape can be checked before it is serialised. */
export interface TwimlNode {
  verb: 'Say' | 'Play' | 'Pause' | 'Gather' | 'Redirect' | 'Enqueue' | 'Dial' | 'Number' | 'Client' | 'Hangup' | 'Leave';
  attributes?: Record<string, string | number | boolean | string[] | undefined>;
  text?: string;
  children?: TwimlNode[];
}

type Parent = { [verb: string]: unknown };

/**
 * Serialises verbs through twilio-node's VoiceResponse (escaping, attribute names), whose
 * methods are the verbs' names in lower camel case and take (attributes, text).
 */
export function serialise(verbs: TwimlNode[]): string {
  const response = new VoiceResponse();
  append(response as unknown as Parent, verbs);
  return response.toString();
}

function append(parent: Parent, verbs: TwimlNode[]): void {
  for (const node of verbs) {
    const method = parent[node.verb.charAt(0).toLowerCase() + node.verb.slice(1)];
    if (typeof method !== 'function') throw new Error(`TwiML: ${node.verb} cannot be written here`);
    const attributes = Object.fromEntries(Object.entries(node.attributes ?? {}).filter(([, value]) => value !== undefined));
    const child = node.text === undefined ? method.call(parent, attributes) : method.call(parent, attributes, node.text);
    if (node.children) append(child as Parent, node.children);
  }
}

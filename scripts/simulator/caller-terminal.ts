import { LineReader, TIMED_OUT } from '../lib/line-reader';
import { keypadFields, speechFields } from '../lib/twilio-form';
import type { GatherVerb, SayVerb, Verb } from '../lib/twiml-reader';
import type { Next } from './next-step';

/**
 * The caller at the terminal: prints what they hear and turns what they type into what Twilio
 * posts. Typed lines are echoed when stdin is not a terminal, so a piped script reads like a session.
 */
export class CallerTerminal {
  private readonly echoes = !process.stdin.isTTY;
  private autoEnglishPending: boolean;

  constructor(
    private readonly input: LineReader,
    lang: string | undefined,
  ) {
    this.autoEnglishPending = lang === 'en';
  }

  /** The next typed line; `null` at end of input; TIMED_OUT after `timeoutMs` without one. */
  next(timeoutMs?: number): Promise<string | null | typeof TIMED_OUT> {
    return this.input.next(timeoutMs);
  }

  /** Shows a line that was typed (or the end of input, which hangs up) after its prompt. */
  echo(line: string | null): void {
    if (this.echoes || line === null) process.stdout.write(`${line ?? 'q (end of input)'}\n`);
  }

  /** Prints a prompt the caller hears: spoken text, music, a pause; other verbs are not heard. */
  hear(verb: Verb): void {
    if (verb.verb === 'Say') {
      const say = verb as SayVerb;
      const tag = say.language ? `[${say.language}] ` : '';
      console.log(`🔊 ${tag}${say.text}`);
    } else if (verb.verb === 'Pause') console.log(`   … (${(verb as { length: number }).length} s pause)`);
    else if (verb.verb === 'Play') console.log(`🎵 (plays ${(verb as { url: string }).url})`);
  }

  /** Prompts nested in the Gather, then the caller's answer. 'silence' goes on with the next verb. */
  async answer(gather: GatherVerb, timeoutMs?: number): Promise<Next | 'silence'> {
    for (const child of gather.children) this.hear(child);
    const speech = gather.input.includes('speech');
    const keys = gather.numDigits ? `${gather.numDigits} key${gather.numDigits > 1 ? 's' : ''}` : `keys ending with ${gather.finishOnKey || '#'}`;
    let line: string | null | typeof TIMED_OUT;
    if (this.autoEnglishPending && gather.numDigits === 1) {
      this.autoEnglishPending = false;
      line = '9';
      console.log(`⌨  ${keys}${speech ? ', or "s <words>"' : ''} > 9   (--lang en)`);
    } else {
      process.stdout.write(`⌨  ${keys}${speech ? ', or "s <words>"' : ''}; empty = silence, q = hang up > `);
      line = await this.input.next(timeoutMs);
      if (line === TIMED_OUT) {
        process.stdout.write('(no key)\n');
        return 'silence';
      }
      this.echo(line);
    }
    const text = (line ?? 'q').trim();
    if (text === 'q') return { kind: 'end', reason: 'you hung up' };
    if (text === '') return 'silence';
    if (/^s(\s|$)/i.test(text)) {
      const words = text.slice(1).trim();
      if (!speech) {
        console.log('   (this prompt listens for keys only: speech is not heard)');
        return 'silence';
      }
      if (!words) return 'silence';
      return { kind: 'fetch', url: gather.action, fields: speechFields(words, 0.92) };
    }
    const pressed = text.replace(/\s+/g, '');
    if (!/^[0-9*#]+$/.test(pressed)) {
      console.log('   (not a key: type 0-9, * or #, "s <words>", an empty line or q)');
      return this.answer({ ...gather, children: [] }, timeoutMs);
    }
    return { kind: 'fetch', url: gather.action, fields: digitFields(gather, pressed) };
  }
}

/** What Twilio posts for keys typed at a Gather; says so when it takes fewer keys than were typed. */
function digitFields(gather: GatherVerb, pressed: string): Record<string, string> {
  const fields = keypadFields(gather, pressed);
  if (!('FinishedOnKey' in fields) && gather.numDigits && pressed.length > gather.numDigits) {
    console.log(`   (this prompt takes ${gather.numDigits} key${gather.numDigits > 1 ? 's' : ''}: sending ${fields.Digits})`);
  }
  return fields;
}

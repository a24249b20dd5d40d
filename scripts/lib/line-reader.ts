import readline from 'node:readline';

export const TIMED_OUT = Symbol('timed out');

/**
 * Lines from a stream, one at a time, for an interactive terminal or a pipe alike: lines that
 * arrive before anyone asks are kept in order (a piped script arrives all at once), and end of
 * input is reported as `null`.
 */
export class LineReader {
  private readonly buffered: string[] = [];
  private readonly waiters: Array<(line: string | null) => void> = [];
  private ended = false;
  private readonly rl: readline.Interface;

  constructor(input: NodeJS.ReadableStream = process.stdin) {
    this.rl = readline.createInterface({ input, terminal: false });
    this.rl.on('line', (line) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(line);
      else this.buffered.push(line);
    });
    this.rl.on('close', () => {
      this.ended = true;
      for (const waiter of this.waiters.splice(0)) waiter(null);
    });
  }

  /** The next line; `null` at end of input; TIMED_OUT when `timeoutMs` passed without one. */
  next(timeoutMs?: number): Promise<string | null | typeof TIMED_OUT> {
    const line = this.buffered.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (value: string | null) => {
        if (timer) clearTimeout(timer);
        resolve(value);
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          resolve(TIMED_OUT);
        }, timeoutMs);
      }
    });
  }

  close(): void {
    this.rl.close();
  }
}

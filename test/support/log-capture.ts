import { Writable } from 'node:stream';

/** Collects every log line an app writes, for tests that read what was logged. */
export function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream, text: (from = 0) => lines.slice(from).join(''), count: () => lines.length };
}

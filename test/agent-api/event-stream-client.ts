import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface ServerSentEvent {
  event: string;
  data: any;
}

/** The base URL of an app listening on a loopback port (`app.listen({ host: '127.0.0.1', port: 0 })`). */
export function baseUrlOf(app: FastifyInstance): string {
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * A Server-Sent Events client over node:http (inject() cannot stream): every event is kept in
 * order; `next` waits for the next one that matches, reading past the others.
 */
export class EventStreamClient {
  readonly events: ServerSentEvent[] = [];
  /** Comment lines (`: heartbeat`). */
  readonly comments: string[] = [];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  private cursor = 0;
  private buffer = '';
  private waiters: Array<() => void> = [];
  private isEnded = false;

  private constructor(
    readonly response: http.IncomingMessage,
    private readonly request: http.ClientRequest,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.read(chunk));
    this.ended = new Promise((resolve) => {
      const done = () => {
        this.isEnded = true;
        this.wake();
        resolve();
      };
      response.on('end', done);
      response.on('close', done);
    });
  }

  /** Opens `path` on `baseUrl`; resolves once the status line and headers arrived. */
  static open(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(`${baseUrl}${path}`, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
        resolve(new EventStreamClient(response, request));
      });
      request.on('error', reject);
    });
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** The whole body, for a stream that was refused (it ends at once). */
  async body(): Promise<string> {
    await this.ended;
    return this.buffer;
  }

  /** The next event from the cursor on that matches (its name, or a predicate), within `timeoutMs`. */
  async next(match: string | ((event: ServerSentEvent) => boolean), timeoutMs = 3000): Promise<ServerSentEvent> {
    const test = typeof match === 'string' ? (event: ServerSentEvent) => event.event === match : match;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.events.length) {
        const event = this.events[this.cursor++]!;
        if (test(event)) return event;
      }
      if (this.isEnded) throw new Error(`the stream ended before a matching event; seen: ${this.describe()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; seen: ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Events seen so far that match. */
  seen(match: (event: ServerSentEvent) => boolean): ServerSentEvent[] {
    return this.events.filter(match);
  }

  close(): void {
    this.request.destroy();
  }

  private describe(): string {
    return JSON.stringify(this.events.map((event) => (event.event === 'call' ? `call ${event.data.callSid} ${event.data.state}` : event.event)));
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    if (this.status !== 200) return;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('event:')) event = line.slice('event:'.length).trim();
        else if (line.startsWith('data:')) data.push(line.slice('data:'.length).replace(/^ /, ''));
      }
      if (data.length > 0) this.events.push({ event, data: JSON.parse(data.join('\n')) });
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

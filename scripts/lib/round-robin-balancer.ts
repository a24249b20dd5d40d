import type { HttpMethod, HttpPoster } from './http-poster';
import type { PostForm } from './twilio-form';

/** An answer, and which backend gave it. */
export interface Balanced {
  status: number;
  body: string;
  backend: number;
}

/** Node's codes for a connection that was refused or died under a request: the backend is gone, not slow. */
const CONNECTION_LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function connectionLost(error: unknown): boolean {
  return CONNECTION_LOST.has((error as NodeJS.ErrnoException).code ?? '');
}

/**
 * The load balancer in front of several hotline instances, played by the client: every request to
 * the public URL goes to the next backend in turn. A backend whose connection is refused or dies
 * under a request is taken out, and the request goes to the next one — HAProxy's `retry-on
 * conn-failure empty-response` with `option redispatch`, which is also what Twilio's retry or
 * fallback URL amounts to: the same webhook reaches another instance. A backend taken out gets
 * traffic again once its health check (`GET /healthz`, every `checkMs`) answers 200. Instances never
 * talk to each other; only the shared Redis holds the call.
 */
export class RoundRobinBalancer {
  private next = 0;
  private readonly down: boolean[];
  private readonly checks = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Answers per backend. */
  readonly served: number[];
  /** Requests sent again to another backend because theirs was gone. */
  redispatched = 0;

  constructor(
    private readonly publicBaseUrl: string,
    private readonly backends: readonly string[],
    private readonly poster: HttpPoster,
    private readonly checkMs = 2000,
  ) {
    this.down = backends.map(() => false);
    this.served = backends.map(() => 0);
  }

  /** Twilio's webhook poster, aimed at the public URL. */
  readonly post: PostForm = async (url, form, signature) => {
    const answer = await this.postForm(url, form, signature);
    return { status: answer.status, body: answer.body };
  };

  postForm(url: string, form: Record<string, string>, signature: string): Promise<Balanced> {
    return this.dispatch((backend) => this.poster.post(this.onBackend(url, backend), form, signature));
  }

  /** Any request to a public URL (or a path under it), e.g. the agent API. */
  send(method: HttpMethod, url: string, body?: string, headers?: Record<string, string>): Promise<Balanced> {
    return this.dispatch((backend) => this.poster.send(method, this.onBackend(url, backend), body, headers));
  }

  /** A request to one backend in particular (the outbox of the instance that made a call update). */
  async sendTo(backend: number, method: HttpMethod, url: string, body?: string, headers?: Record<string, string>): Promise<Balanced> {
    const answer = await this.poster.send(method, this.onBackend(url, backend), body, headers);
    return { ...answer, backend };
  }

  private async dispatch(request: (backend: number) => Promise<{ status: number; body: string }>): Promise<Balanced> {
    let lastError: unknown;
    for (let tries = 0; tries < this.backends.length; tries++) {
      const backend = this.pick();
      try {
        const answer = await request(backend);
        this.served[backend]! += 1;
        return { ...answer, backend };
      } catch (error) {
        if (!connectionLost(error)) throw error;
        lastError = error;
        this.takeOut(backend);
        this.redispatched += 1;
      }
    }
    throw lastError;
  }

  /** Stops the health checks of backends taken out. */
  close(): void {
    this.closed = true;
    for (const check of this.checks) clearTimeout(check);
    this.checks.clear();
  }

  /** The next backend in turn that is not known to be down; when all are, the next one anyway. */
  private pick(): number {
    for (let n = 0; n < this.backends.length; n++) {
      const backend = this.next++ % this.backends.length;
      if (!this.down[backend]) return backend;
    }
    return this.next++ % this.backends.length;
  }

  private takeOut(backend: number): void {
    if (this.down[backend]) return;
    this.down[backend] = true;
    const check = () => {
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.checks.delete(timer);
        this.poster.get(`${this.backends[backend]}/healthz`).then(
          (answer) => (answer.status === 200 ? (this.down[backend] = false) : check()),
          () => check(),
        );
      }, this.checkMs);
      this.checks.add(timer);
    };
    check();
  }

  private onBackend(url: string, backend: number): string {
    const path = url.startsWith(this.publicBaseUrl) ? url.slice(this.publicBaseUrl.length) : url;
    if (!path.startsWith('/')) throw new Error(`not a URL of ${this.publicBaseUrl}: ${url}`);
    return `${this.backends[backend]}${path}`;
  }
}

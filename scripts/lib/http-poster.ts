import http from 'node:http';
import https from 'node:https';
import { encodeForm, webhookHeaders, type PostForm } from './twilio-form';

export interface HttpPosterOptions {
  /** Sockets kept open per host (the load generator's concurrency). */
  maxSockets?: number;
  /** Give up on one request after this long; Twilio itself waits at most 15 s. */
  timeoutMs?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface HttpPoster {
  post: PostForm;
  get(url: string): Promise<{ status: number; body: string }>;
  /** Any request, e.g. the agent API's JSON calls. */
  send(method: HttpMethod, url: string, body?: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): void;
}

/**
 * Posts forms over keep-alive connections, as Twilio's webhook client does: one TCP connection is
 * reused for many requests instead of a handshake per webhook. Implements the call driver's PostForm.
 */
export function createHttpPoster(options: HttpPosterOptions = {}): HttpPoster {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16, maxFreeSockets: options.maxSockets ?? 16 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const timeoutMs = options.timeoutMs ?? 15_000;

  function request(method: HttpMethod, url: string, body?: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const req = (secure ? https : http).request(
        target,
        {
          method,
          agent: secure ? httpsAgent : httpAgent,
          headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    post: (url, form, signature) => request('POST', url, encodeForm(form), webhookHeaders(signature)),
    get: (url) => request('GET', url),
    send: request,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

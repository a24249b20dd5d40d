import http from 'node:http';
import https from 'node:https';

/**
 * One JSON request over node:http(s). Not global fetch: nock (our test double for the core API)
 * only intercepts node:http. Resolves with any status; rejects on network errors and on
 * `HttpTimeoutError` when the whole exchange (connect, send, receive) exceeds `timeoutMs`.
 */

export interface JsonRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

export interface JsonResponse {
  status: number;
  /** Parsed JSON, or undefined when the body is empty or not JSON (the caller's schema decides). */
  body: unknown;
}

export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

export function requestJson({ method, url, headers, body, timeoutMs }: JsonRequest): Promise<JsonResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method,
      headers: {
        ...headers,
        accept: 'application/json',
        ...(payload === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
      },
    });
    const timer = setTimeout(() => {
      const error = new HttpTimeoutError(`no complete answer within ${timeoutMs} ms`);
      // Reject here too: once a response has started, destroy() does not always surface the error.
      reject(error);
      request.destroy(error);
    }, timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body: parseJson(Buffer.concat(chunks).toString('utf8')) });
      });
    });
    request.end(payload);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

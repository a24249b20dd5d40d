import type { FastifyReply, FastifyRequest } from 'fastify';

/** A comment line this often keeps proxies from closing a quiet stream (SPEC §5). */
const HEARTBEAT_MS = 15_000;

/** One open Server-Sent Events stream. */
export interface EventStream {
  send(event: string, data: unknown): void;
  /** Ends the stream from the server's side (shutdown). */
  end(): void;
}

/**
 * Takes the reply over as a Server-Sent Events stream (`text/event-stream`), with a heartbeat
 * comment every 15 s; `onClose` runs when the client goes away.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply, onClose: () => void): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  request.raw.on('close', () => {
    clearInterval(heartbeat);
    onClose();
  });
  return {
    send: (event, data) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    end: () => {
      clearInterval(heartbeat);
      raw.end();
    },
  };
}

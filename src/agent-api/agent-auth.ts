import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Agent, AgentDirectory } from '../agents/agent-directory';

/** The bearer token of an `Authorization: Bearer <token>` header; undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

/** The event streams: EventSource cannot send headers, so these alone also take `?token=`. */
const EVENT_STREAMS = new Set(['/agent/events', '/supervisor/events']);

function streamToken(request: FastifyRequest): string | undefined {
  if (!EVENT_STREAMS.has(request.routeOptions.url ?? '')) return undefined;
  const token = (request.query as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}

/** The token a request presents, from its header or (the event streams only) its query. */
export function presentedToken(request: FastifyRequest): string | undefined {
  return bearerToken(request.headers.authorization) ?? streamToken(request);
}

/**
 * Authenticates every request of the scope it is added to (SPEC §5: 401 without a valid token).
 * The agent is kept per request in a WeakMap rather than on a request decoration, so nothing
 * outside the agent API sees or types it.
 */
export function agentAuthentication(agents: AgentDirectory) {
  const authenticated = new WeakMap<FastifyRequest, Agent>();

  async function onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const agent = agents.authenticate(presentedToken(request));
    if (!agent) {
      // Not awaited: a reply is thenable and resolves only once sent, after this hook returns.
      void reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="hotline-agents"')
        .send({ error: 'Unauthorized', message: 'A valid agent token is required: Authorization: Bearer <token>' });
      return reply;
    }
    authenticated.set(request, agent);
  }

  /** The agent behind a request that passed `onRequest`. */
  function agentOf(request: FastifyRequest): Agent {
    const agent = authenticated.get(request);
    if (!agent) throw new Error('agentOf() called on a request the agent authentication did not see');
    return agent;
  }

  return { onRequest, agentOf };
}

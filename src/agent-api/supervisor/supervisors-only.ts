import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentDirectory } from '../../agents/agent-directory';
import { agentAuthentication } from '../agent-auth';
import { errorSchema } from '../agent-api-schemas';

/** The refusals every supervisors' route documents. */
export const supervisorRefusals = {
  401: errorSchema.describe('Missing or invalid bearer token'),
  403: errorSchema.describe('Not a supervisor'),
};

/**
 * Every route of `scope` is for agents with the `supervisor` role (SPEC §5): no valid token 401,
 * another agent 403. Returns the authentication, to tell which supervisor asked.
 */
export function supervisorsOnly(scope: FastifyInstance, agents: AgentDirectory) {
  const auth = agentAuthentication(agents);
  scope.addHook('onRequest', auth.onRequest);
  scope.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!auth.agentOf(request).supervisor) return reply.code(403).send({ error: 'Forbidden', message: 'Supervisors only' });
  });
  return auth;
}

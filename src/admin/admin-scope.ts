import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { presentedToken } from '../agent-api/agent-auth';
import { guardAgentLogins, type AgentLoginGuardOptions } from '../security/agent-login-guard';
import { isDemoToken } from '../security/demo-data';
import type { SecurityEvents } from '../security/security-events';
import { serveOnlyOn } from './admin-listener';

export interface AdminScopeOptions {
  /** ADMIN_PORT is set: the scope's routes exist on the admin listener only. */
  split: boolean;
  /** TWILIO_MODE=live: the published demo tokens are refused. */
  live: boolean;
  logins: Omit<AgentLoginGuardOptions, 'presentsToken'>;
}

/**
 * The consoles' policy, the strictest the pages work under: their own script, style and API, no
 * inline code, no framing, no plugins. JSON answers of the scope carry it too (harmless there).
 */
export const CONSOLE_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * helmet's headers with the consoles' CSP. `useDefaults: false` drops helmet's default
 * `upgrade-insecure-requests`, which would break a console served over plain HTTP on an internal
 * ADMIN_PORT.
 */
const SECURITY_HEADERS: FastifyHelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP },
  frameguard: { action: 'deny' },
};

/**
 * Makes `scope` the one place for everything staff use (SPEC §5): the agent API, the supervisor
 * API, the consoles, /docs and /metrics are registered inside it, after this call:
 *
 *   await app.register(async (admin) => {
 *     await guardAdminScope(admin, options);
 *     await admin.register(somethingForStaff, …);
 *   });
 *
 * Every route registered there, at any depth, is on the admin listener only when ADMIN_PORT is
 * set (404 on the webhook port), answers with helmet's security headers and the strict CSP, is
 * behind the failed-login rate limit, and in live mode refuses the demo tokens.
 */
export async function guardAdminScope(scope: FastifyInstance, options: AdminScopeOptions): Promise<void> {
  if (options.split) serveOnlyOn(scope, 'admin');
  await scope.register(helmet, SECURITY_HEADERS);
  await guardAgentLogins(scope, { ...options.logins, presentsToken: (request) => presentedToken(request) !== undefined });
  if (options.live) refuseDemoTokens(scope, options.logins.security);
}

/**
 * SPEC §5: a live line never accepts a published demo token, whatever its agents file says
 * (ALLOW_DEMO_DATA included). The attempt is a `demo-token` security event, and its 401 a
 * failed login like any other.
 */
function refuseDemoTokens(scope: FastifyInstance, security: SecurityEvents): void {
  scope.addHook('onRequest', async (request, reply) => {
    const token = presentedToken(request);
    if (token === undefined || !isDemoToken(token)) return;
    security.record('demo-token', { address: request.ip, route: request.routeOptions.url ?? 'unmatched' });
    void reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="hotline-agents"')
      .send({ error: 'Unauthorized', message: 'Demo tokens are refused in live mode; use a token from this line’s own agents file' });
    return reply;
  });
}

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock';
import type { KeyValueStore } from '../store/key-value-store';
import { loginFailureStore } from './login-failure-store';
import type { SecurityEvents } from './security-events';

export interface AgentLoginGuardOptions {
  values: KeyValueStore;
  clock: Clock;
  security: SecurityEvents;
  /** Failures allowed per client address and window; the next request gets 429. */
  maxFailures: number;
  windowSeconds: number;
  /** Whether a request tries to log in (presents a token); only those are checked against the limit. */
  presentsToken: (request: FastifyRequest) => boolean;
}

/**
 * Failed agent logins are rate-limited per client address (SPEC §5 Operators), with
 * @fastify/rate-limit's limiter over the hotline's store (see login-failure-store.ts).
 *
 * A failed login is any 401 this scope answers (a missing, wrong or refused token, from any route
 * in it, the supervisor API's included): it is counted before the 401 leaves, and reported as an
 * `agent-login-failure` security event (address and route, never the token). Successful logins
 * are not counted. Once an address has `maxFailures` failures in the window, every request of it
 * presenting a token gets 429 with Retry-After, a good token included, until the window ends:
 * answering a good token then would tell a guesser which guess was right. Requests without a token
 * (the console's files, /docs, a Prometheus scrape) are not checked: they never wait on the store,
 * and /metrics answers while Redis is down. The request's address is
 * `request.ip`, which follows TRUST_PROXY behind a load balancer.
 *
 * Guesses sent at the same instant are all checked against the count before any of them is
 * added, so a burst can overshoot the limit by its size; tokens are long random secrets, and this
 * limit is against guessing at scale and noise, not a PIN-style lock.
 */
export async function guardAgentLogins(scope: FastifyInstance, options: AgentLoginGuardOptions): Promise<void> {
  await scope.register(rateLimit, {
    global: false,
    max: options.maxFailures,
    timeWindow: options.windowSeconds * 1000,
    store: loginFailureStore(options.values, options.clock),
  });
  const failures = scope.createRateLimit();

  scope.addHook('onRequest', async (request, reply) => {
    if (!options.presentsToken(request)) return;
    const seen = await failures(request, { increment: false });
    if (seen.isAllowed || seen.remaining > 0) return;
    void reply
      .code(429)
      .header('retry-after', String(seen.ttlInSeconds))
      .send({ error: 'Too Many Requests', message: `Too many failed logins from this address; try again in ${seen.ttlInSeconds} s` });
    return reply;
  });

  scope.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 401) return payload;
    await failures(request);
    options.security.record('agent-login-failure', { address: request.ip, route: request.routeOptions.url ?? 'unmatched' });
    return payload;
  });
}

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** The two listeners of SPEC §5 Operators: the webhook port Twilio reaches, and ADMIN_PORT for staff. */
export type Listener = 'webhook' | 'admin';

type ConstraintStrategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type RouteHandler = NonNullable<ReturnType<ReturnType<ConstraintStrategy['storage']>['get']>>;

/** Requests that came in on the admin listener; everything else (including `inject()`) is the webhook port's. */
const adminRequests = new WeakSet<IncomingMessage>();

/**
 * A router constraint (find-my-way): a route constrained to a listener is only found for requests
 * that came in on it, so on the other port it does not exist (404, as any unknown path).
 * Unconstrained routes (webhooks, /healthz, /readyz) answer on both.
 */
const listenerConstraint: ConstraintStrategy = {
  name: 'listener',
  storage() {
    const handlers = new Map<unknown, RouteHandler>();
    return {
      get: (listener) => handlers.get(listener) ?? null,
      set: (listener, handler) => void handlers.set(listener, handler),
    };
  },
  deriveConstraint: (request): Listener => (adminRequests.has(request as IncomingMessage) ? 'admin' : 'webhook'),
  mustMatchWhenDerived: false,
  validate(value: unknown) {
    if (value !== 'admin' && value !== 'webhook') throw new Error(`listener constraint: ${String(value)} is not admin or webhook`);
  },
};

/** Every route registered in `scope` (and its children) is served on `listener` only. */
export function serveOnlyOn(scope: FastifyInstance, listener: Listener): void {
  if (!scope.hasConstraintStrategy(listenerConstraint.name)) scope.addConstraintStrategy(listenerConstraint);
  scope.addHook('onRoute', (route) => {
    route.constraints = { ...route.constraints, listener };
  });
}

/**
 * The second HTTP server, on ADMIN_PORT: its requests go through the same Fastify app (same
 * hooks, routes and lifecycle), marked as the admin listener's. Closing the app closes it too:
 * it stops accepting when the app starts closing, and the app's close waits for its requests.
 */
export class AdminListener {
  private readonly server: Server;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly app: FastifyInstance,
    private readonly where: { port: number; host: string },
  ) {
    this.server = createServer((request, response) => {
      adminRequests.add(request);
      app.routing(request, response);
    });
    // The same connection timeouts as the webhook server.
    this.server.keepAliveTimeout = app.server.keepAliveTimeout;
    this.server.requestTimeout = app.server.requestTimeout;
    app.addHook('preClose', async () => {
      this.stopAccepting();
    });
    app.addHook('onClose', async () => {
      this.stopAccepting();
      this.server.closeIdleConnections();
      await this.closed;
    });
  }

  /** Listens on ADMIN_PORT/ADMIN_HOST; resolves with the address (port 0 picks a free one). */
  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.where.port, this.where.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.app.log.info({ address: address.address, port: address.port }, 'admin listener (agent API, consoles, /docs, /metrics) is listening');
    return address;
  }

  private stopAccepting(): void {
    if (this.closed || !this.server.listening) return;
    this.closed = new Promise((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The ADMIN_PORT listener (listen on it after `listen()`), or null when everything is on one port. */
    adminListener: AdminListener | null;
  }
}

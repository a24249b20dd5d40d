import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logging/logger';
import { createDeps } from './wiring';

/** Wires the hotline from the environment, listens, and shuts down gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const deps = await createDeps(config, logger);
  const app = await buildApp(config, deps);

  if (config.twilio.mode === 'simulate') {
    logger.warn(
      { authToken: config.twilio.usingDevToken ? config.twilio.authToken : '(from TWILIO_AUTH_TOKEN)' },
      'TWILIO_MODE=simulate: nothing is sent to Twilio; outbound SMS and call updates are recorded at GET /dev/outbox. ' +
        'Dial in with `npm run call`.',
    );
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing in-flight webhooks');
    // fastify.close() stops accepting connections on both listeners and waits for requests in flight.
    await app.close();
    await deps.store.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  await app.adminListener?.listen();
}

main().catch((error: unknown) => {
  // A configuration the hotline refuses (bad variable, demo data in live mode): the message alone, naming what to set.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

import path from 'node:path';
import type { Logger } from 'pino';
import type { AppDeps } from './app';
import { systemClock } from './clock';
import type { Config } from './config';
import { projectRoot } from './project-root';
import { PromptCatalogue } from './prompts/prompt-catalogue';
import { connectRedis } from './store/redis-connection';
import { createMemoryStore, createRedisStore, type Store } from './store/store';
import { LiveTwilioGateway } from './twilio/live-twilio-gateway';
import { SimulatedTwilioGateway } from './twilio/simulated-twilio-gateway';
import type { TwilioGateway } from './twilio/twilio-gateway';

/** The production dependencies the configuration asks for. */
export async function createDeps(config: Config, logger: Logger): Promise<AppDeps> {
  const clock = systemClock;
  const catalogue = PromptCatalogue.load(path.join(projectRoot(), 'prompts'));
  return { store: await createStore(config, logger), twilio: createTwilio(config), catalogue, clock, logger };
}

async function createStore(config: Config, logger: Logger): Promise<Store> {
  if (!config.redisUrl) {
    logger.warn(
      'REDIS_URL is not set: using the embedded in-process store. Call state is lost on restart and is not shared ' +
        'with other instances; set REDIS_URL for anything but a single development process.',
    );
    return createMemoryStore(systemClock);
  }
  const redis = await connectRedis(config.redisUrl);
  return createRedisStore(redis, config.redisKeyPrefix);
}

function createTwilio(config: Config): TwilioGateway {
  if (config.twilio.mode === 'simulate') return new SimulatedTwilioGateway(systemClock);
  return new LiveTwilioGateway(config.twilio.accountSid!, config.twilio.authToken, config.twilio.fromNumber);
}

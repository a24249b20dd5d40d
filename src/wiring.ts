import path from 'node:path';
import type { Logger } from 'pino';
import type { AppDeps } from './app';
import { systemClock } from './clock';
import type { Config } from './config';
import { projectRoot } from './project-root';
import { PromptCatalogue } from './prompts/prompt-catalogue';
import { embeddedDatabase } from './records/sql/embedded-database';
import { postgresDatabase } from './records/sql/postgres-database';
import type { SqlDatabase } from './records/sql/sql-database';
import { connectDeployment } from './store/redis-connection';
import { describeDeployment } from './store/redis-deployment';
import { createMemoryStore, createRedisStore, type Store } from './stores';
import { LiveTwilioGateway } from './twilio/live-twilio-gateway';
import { PatientTwilioGateway } from './twilio/patient-twilio-gateway';
import { SimulatedTwilioGateway } from './twilio/simulated-twilio-gateway';
import type { TwilioGateway } from './twilio/twilio-gateway';
import { createIdentityEffects, type WalletEffectsFactory } from './identity/identity-effects';
import { DemoWalletBackend } from './wallet/demo-wallet-backend';
import { DEFAULT_DEMO_WALLETS_FILE, loadDemoWallets } from './wallet/demo-wallet-data';
import { HttpWalletBackend } from './wallet/http-wallet-backend';
import type { WalletBackend } from './wallet/wallet-backend';

/** The production dependencies the configuration asks for. */
export async function createDeps(config: Config, logger: Logger): Promise<AppDeps> {
  const clock = systemClock;
  const catalogue = PromptCatalogue.load(path.join(projectRoot(), 'prompts'));
  const store = await createStore(config, logger);
  const twilio = createTwilio(config, logger);
  const wallet = createWallet(config, store);
  const effects: WalletEffectsFactory = (services) => createIdentityEffects({ wallet, store, clock, catalogue, limits: config.identity, ...services });
  const recordsDb = await createRecordsDatabase(config, logger);
  return { store, twilio, catalogue, clock, logger, effects, recordsDb };
}

/** PostgreSQL (DATABASE_URL), or the embedded PostgreSQL under DATA_DIR; the records worker migrates it. */
async function createRecordsDatabase(config: Config, logger: Logger): Promise<SqlDatabase> {
  const { databaseUrl, dataDir } = config.records;
  if (databaseUrl) return postgresDatabase(databaseUrl, logger);
  const folder = path.resolve(projectRoot(), dataDir, 'records');
  if (config.redis) {
    logger.warn(
      { folder },
      'DATABASE_URL is not set: call records go to an embedded database in this process only. With several instances set DATABASE_URL, ' +
        'or each keeps its own records.',
    );
  }
  return embeddedDatabase(folder);
}

function createWallet(config: Config, store: Store): WalletBackend {
  if (config.wallet.kind === 'http') return new HttpWalletBackend({ baseUrl: config.wallet.url, token: config.wallet.token });
  const file = path.resolve(projectRoot(), config.wallet.dataFile ?? DEFAULT_DEMO_WALLETS_FILE);
  return new DemoWalletBackend(loadDemoWallets(file), store.values, systemClock);
}

async function createStore(config: Config, logger: Logger): Promise<Store> {
  if (!config.redis) {
    logger.warn(
      'No Redis is set (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES): using the embedded in-process store. Call state is lost ' +
        'on restart and is not shared with other instances; set one for anything but a single development process.',
    );
    return createMemoryStore(systemClock, config.records.streamMaxLen);
  }
  const redis = await connectDeployment(config.redis);
  logger.info({ redis: describeDeployment(config.redis) }, 'connected to Redis');
  return createRedisStore(redis, config.redisKeyPrefix, { recordsMaxLen: config.records.streamMaxLen, log: logger.child({ component: 'store' }) });
}

/** Live: Twilio's REST API, within a 2 s budget per webhook (SPEC §4.1); slow requests go on and are retried in the background. */
function createTwilio(config: Config, logger: Logger): TwilioGateway {
  if (config.twilio.mode === 'simulate') return new SimulatedTwilioGateway(systemClock);
  const live = new LiveTwilioGateway(config.twilio.accountSid!, config.twilio.authToken, config.twilio.fromNumber);
  return new PatientTwilioGateway(live, { log: logger.child({ component: 'twilio' }) });
}

import { Redis, type RedisOptions } from 'ioredis';

/**
 * Webhooks must answer within Twilio's 15 s, and callers notice far less: a command fails fast
 * (one retry, bounded time, no offline queue) instead of waiting ~74 s for a Redis that is gone.
 * The client keeps reconnecting by itself in the background.
 */
export const WEBHOOK_PATH_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 1,
  commandTimeout: 800,
  enableOfflineQueue: false,
  connectTimeout: 2000,
  // Commands from concurrent webhooks share one socket write: fewer syscalls under load.
  enableAutoPipelining: true,
  retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
};

export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, { ...WEBHOOK_PATH_OPTIONS, lazyConnect: true, ...options });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  redis.on('error', () => undefined);
  await redis.connect();
  return redis;
}

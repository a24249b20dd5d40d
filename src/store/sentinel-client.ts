import { Redis, type RedisOptions } from 'ioredis';

/** How long an ended client waits before it connects again. */
const REVIVE_AFTER_MS = 200;

/**
 * A client of the master the sentinels name (`options` hold `sentinels`, `name` and
 * `failoverDetector`), with two ioredis failover-detector faults worked around:
 * - it can end for good: when the sentinels announce a failover (`+switch-master`) while the client
 *   is in the middle of a reconnect (asking a sentinel for the master after the old one died), the
 *   reconnect is abandoned and the client stays `end`, every later command failing until a restart
 *   (seen under load in test/ha). Here it connects again whenever it ends without the app having
 *   closed it (`quit`, or `disconnect()` without reconnecting);
 * - `quit` leaves the detector's connections to the sentinels open (they reconnect forever once the
 *   sentinels go): here `quit` also drops them.
 */
export function sentinelClient(options: RedisOptions): Redis {
  const client = new Redis(options);
  let closing = false;
  const quit = client.quit.bind(client);
  const disconnect = client.disconnect.bind(client);
  client.quit = (async () => {
    closing = true;
    try {
      return await quit();
    } finally {
      disconnect();
    }
  }) as Redis['quit'];
  client.disconnect = (reconnect = false) => {
    // ioredis itself disconnects with reconnect = true (READONLY, a failover): that is no close.
    if (!reconnect) closing = true;
    disconnect(reconnect);
  };
  client.on('end', () => {
    if (closing) return;
    setTimeout(() => {
      if (!closing && client.status === 'end') client.connect().catch(() => undefined);
    }, REVIVE_AFTER_MS).unref();
  });
  return client;
}

import type { ChildProcess } from 'node:child_process';
import { freePort } from '../../scripts/lib/free-port';
import { connectRedis } from '../../src/store/redis-connection';
import { startPrivateRedis, stopPrivateRedis } from '../support/private-redis';
import { prompt, startTestHotline, type TestHotline } from '../support/test-app';

const OVERFLOW = '+8610123456789';

describe('Redis goes away in the middle of a call', () => {
  let port: number;
  let redisServer: ChildProcess;
  let hotline: TestHotline;

  beforeAll(async () => {
    port = await freePort();
    redisServer = await startPrivateRedis(port);
    const redis = await connectRedis(`redis://127.0.0.1:${port}`);
    hotline = await startTestHotline({ redis, env: { OVERFLOW_NUMBER: OVERFLOW, REDIS_URL: `redis://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await hotline.close();
    await hotline.store.close();
    await stopPrivateRedis(redisServer);
  });

  it('a caller asking for an agent is dialled to the overflow number within a second, and the app recovers by itself', async () => {
    const call = await hotline.call().dial();
    await call.press('3');
    await stopPrivateRedis(redisServer);

    const started = Date.now();
    await call.press('0');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(call.heard).toEqual([prompt('error.apology')]);
    expect(call.verbs.at(-1)).toEqual({ verb: 'Dial', target: OVERFLOW, action: undefined });
    expect((await hotline.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    redisServer = await startPrivateRedis(port);
    let ready = 0;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = (await hotline.app.inject({ method: 'GET', url: '/readyz' })).statusCode;
    }
    expect(ready).toBe(200);
    const next = await hotline.call().dial();
    await next.press('0');
    expect(next.heard).toEqual([prompt('queue.transferringFirst')]);
  });
});

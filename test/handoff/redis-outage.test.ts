import { connectRedis } from '../../src/store/redis-connection';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { prompt, startTestHotline, type TestHotline } from '../support/test-app';

const OVERFLOW = '+8610123456789';

describe('Redis goes away in the middle of a call', () => {
  let redisServer: PrivateRedis;
  let hotline: TestHotline;

  beforeAll(async () => {
    redisServer = await startPrivateRedis();
    const url = `redis://127.0.0.1:${redisServer.port}`;
    hotline = await startTestHotline({ redis: await connectRedis(url), env: { OVERFLOW_NUMBER: OVERFLOW, REDIS_URL: url } });
  });
  afterAll(async () => {
    await hotline.close();
    await hotline.store.close();
    await redisServer.remove();
  });

  it('a caller asking for an agent is dialled to the overflow number within a second, and the app recovers by itself', async () => {
    const call = await hotline.call().dial();
    await call.press('3');
    await redisServer.stop();

    const started = Date.now();
    await call.press('0');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(call.heard).toEqual([prompt('error.apology')]);
    expect(call.verbs.at(-1)).toEqual({ verb: 'Dial', target: OVERFLOW, action: undefined });
    expect((await hotline.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    await redisServer.restart();
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

import { hotlineOnPrivateRedis, type HotlineOnPrivateRedis } from '../support/private-redis';
import { prompt, type TestHotline } from '../support/test-app';

const OVERFLOW = '+8610123456789';

describe('Redis goes away in the middle of a call', () => {
  let redis: HotlineOnPrivateRedis;
  let hotline: TestHotline;

  beforeAll(async () => {
    redis = await hotlineOnPrivateRedis({ OVERFLOW_NUMBER: OVERFLOW });
    hotline = redis.hotline;
  });
  afterAll(() => redis.close());

  it('a caller asking for an agent is dialled to the overflow number at once, agents are told to try again (503), and the app recovers by itself', async () => {
    const call = await hotline.call().dial();
    await call.press('3');
    await redis.kill();

    const started = Date.now();
    await call.press('0');
    // Fail fast (the client's default would wait ~74 s); the bound leaves room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(call.heard).toEqual([prompt('error.apology')]);
    expect(call.verbs.at(-1)).toEqual({ verb: 'Dial', target: OVERFLOW, action: undefined });
    expect((await hotline.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    const queues = await hotline.app.inject({ method: 'GET', url: '/agent/queues', headers: { authorization: 'Bearer alice-demo-token' } });
    expect(queues.statusCode).toBe(503);
    expect(queues.headers['retry-after']).toBe('2');
    expect(queues.json()).toMatchObject({ error: 'Service Unavailable' });

    await redis.restart();
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

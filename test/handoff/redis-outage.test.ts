import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { connectRedis } from '../../src/store/redis-connection';
import { prompt, startTestHotline, type TestHotline } from '../support/test-app';

const OVERFLOW = '+8610123456789';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    try {
      const probe = await connectRedis(`redis://127.0.0.1:${port}`, { retryStrategy: () => null });
      await probe.quit();
      return child;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('redis-server did not start');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

describe('Redis goes away in the middle of a call', () => {
  let port: number;
  let redisServer: ChildProcess;
  let hotline: TestHotline;

  beforeAll(async () => {
    port = await freePort();
    redisServer = await startRedis(port);
    const redis = await connectRedis(`redis://127.0.0.1:${port}`);
    hotline = await startTestHotline({ redis, env: { OVERFLOW_NUMBER: OVERFLOW, REDIS_URL: `redis://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await hotline.close();
    await hotline.store.close();
    await stop(redisServer);
  });

  it('a caller asking for an agent is dialled to the overflow number within a second, and the app recovers by itself', async () => {
    const call = await hotline.call().dial();
    await call.press('3');
    await stop(redisServer);

    const started = Date.now();
    await call.press('0');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(call.heard).toEqual([prompt('error.apology')]);
    expect(call.verbs.at(-1)).toEqual({ verb: 'Dial', target: OVERFLOW, action: undefined });
    expect((await hotline.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    redisServer = await startRedis(port);
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

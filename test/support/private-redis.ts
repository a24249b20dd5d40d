import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../scripts/lib/free-port';
import { connectRedis } from '../../src/store/redis-connection';
import { startTestHotline, type TestHotline } from './test-app';

/**
 * A `redis-server` of the test's own on a loopback port (no persistence), for tests that stop and
 * restart it; the shared server on 6379 is never touched.
 */
async function startPrivateRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
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

/** Kills it at once, as a crash would. */
async function stopPrivateRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

/** A test hotline on a private Redis the test can kill and start again (same port), as in an outage. */
export interface HotlineOnPrivateRedis {
  hotline: TestHotline;
  /** Kills Redis at once, as a crash would. */
  kill(): Promise<void>;
  /** Starts Redis again on the same port; the app reconnects by itself. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function hotlineOnPrivateRedis(env: Record<string, string> = {}): Promise<HotlineOnPrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server = await startPrivateRedis(port);
  const hotline = await startTestHotline({ redis: await connectRedis(url), env: { REDIS_URL: url, ...env } });
  return {
    hotline,
    kill: () => stopPrivateRedis(server),
    restart: async () => {
      server = await startPrivateRedis(port);
    },
    close: async () => {
      await hotline.close();
      await hotline.store.close();
      await stopPrivateRedis(server);
    },
  };
}

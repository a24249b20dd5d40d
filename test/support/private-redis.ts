import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/lib/free-port';
import { connectRedis } from '../../src/store/redis-connection';
import { startTestHotline, type TestHotline } from './test-app';

/**
 * A redis-server of a test's own, for tests that kill, stall or replicate a server: on a free
 * loopback port, without persistence, its files (a replica's RDB) in a temp folder of its own.
 */
export interface PrivateRedis {
  port: number;
  child: ChildProcess;
  /** Starts it again on the same port, after `stop`. */
  restart(): Promise<void>;
  /** Kills it (SIGKILL) and waits until it is gone. */
  stop(): Promise<void>;
  /** Stops it and deletes its folder. */
  remove(): Promise<void>;
}

export async function startPrivateRedis(extraArgs: string[] = [], port?: number): Promise<PrivateRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotline-redis-'));
  const server: PrivateRedis = {
    port: port ?? (await freePort()),
    child: undefined as unknown as ChildProcess,
    restart: async () => {
      server.child = spawn('redis-server', ['--port', String(server.port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' });
      await answering(server.port);
    },
    stop: async () => {
      if (server.child.exitCode !== null) return;
      await new Promise((resolve) => {
        server.child.once('exit', resolve);
        server.child.kill('SIGKILL');
      });
    },
    remove: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.restart();
  return server;
}

async function answering(port: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      const probe = await connectRedis(`redis://127.0.0.1:${port}`, { retryStrategy: () => null });
      await probe.quit();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`redis-server on port ${port} did not start`);
}

/** A test hotline on a private Redis that the test kills and restarts (the app reconnects by itself). */
export interface HotlineOnPrivateRedis {
  hotline: TestHotline;
  /** Kills Redis at once, as a crash would. */
  kill(): Promise<void>;
  /** Starts Redis again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function hotlineOnPrivateRedis(env: Record<string, string> = {}): Promise<HotlineOnPrivateRedis> {
  const server = await startPrivateRedis();
  const url = `redis://127.0.0.1:${server.port}`;
  const hotline = await startTestHotline({ redis: await connectRedis(url), env: { REDIS_URL: url, ...env } });
  return {
    hotline,
    kill: () => server.stop(),
    restart: () => server.restart(),
    close: async () => {
      await hotline.close();
      await hotline.store.close();
      await server.remove();
    },
  };
}

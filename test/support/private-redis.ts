import { spawn, type ChildProcess } from 'node:child_process';
import { connectRedis } from '../../src/store/redis-connection';

/**
 * A `redis-server` of the test's own on a loopback port (no persistence), for tests that stop and
 * restart it; the shared server on 6379 is never touched.
 */
export async function startPrivateRedis(port: number): Promise<ChildProcess> {
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
export async function stopPrivateRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

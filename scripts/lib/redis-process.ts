import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export const LOOPBACK = '127.0.0.1';

/**
 * One real `redis-server` process (Debian's package) on a loopback port, with a temp folder of its
 * own for its files (nodes.conf, sentinel.conf, a replica's RDB). Killed with SIGKILL, as a crash.
 */
export interface RedisProcess {
  readonly port: number;
  readonly dir: string;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** Running now (not killed, not exited). */
  alive(): boolean;
  /** SIGKILL, then waits until the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that hangs without closing its sockets. */
  pause(): void;
  resume(): void;
  /** Starts it again with the same arguments, port and folder, after `kill`. */
  restart(): Promise<void>;
  /** Kills it and deletes its folder. */
  remove(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A test run that dies leaves no servers behind. */
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * Starts `redis-server <argsFor(dir)>` and waits until it answers PING on `port`. `argsFor` gets
 * the process's folder (a config file may be written there first, by `prepare`).
 */
export async function startRedisProcess(
  port: number,
  argsFor: (dir: string) => string[],
  prepare: (dir: string) => void = () => undefined,
): Promise<RedisProcess> {
  killAllOnExit();
  const dir = mkdtempSync(path.join(tmpdir(), `hotline-redis-${port}-`));
  prepare(dir);
  let child: ChildProcess | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    const current = child;
    if (!current || !alive()) return;
    await new Promise((resolve) => {
      current.once('exit', resolve);
      current.kill('SIGKILL');
    });
  };
  const start = async () => {
    const started = spawn('redis-server', argsFor(dir), { stdio: 'ignore' });
    child = started;
    running.add(started);
    started.once('exit', () => running.delete(started));
    await answering(port, () => started.exitCode === null && started.signalCode === null);
  };
  await start();
  return {
    port,
    dir,
    address: `${LOOPBACK}:${port}`,
    alive,
    kill,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    restart: async () => {
      await kill();
      await start();
    },
    remove: async () => {
      child?.kill('SIGCONT');
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The base arguments of a data server: loopback only, its folder, no persistence. */
export function serverArgs(port: number, dir: string): string[] {
  // A replica syncs at once (diskless, no 5 s wait for more replicas).
  return ['--port', String(port), '--bind', LOOPBACK, '--dir', dir, '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0'];
}

/** A short-lived control connection that never retries: for the topology's own questions. */
export function controlConnection(port: number): Redis {
  const redis = new Redis({ host: LOOPBACK, port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: true, connectTimeout: 1000, commandTimeout: 2000 });
  redis.on('error', () => undefined);
  return redis;
}

/** Sends one command to the server on `port` and closes the connection. */
export async function ask(port: number, command: string, ...args: Array<string | number>): Promise<unknown> {
  const redis = controlConnection(port);
  try {
    await redis.connect();
    return await redis.call(command, ...args);
  } finally {
    redis.disconnect();
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs` naming `what`. */
export async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await pause(everyMs);
  }
}

async function answering(port: number, running: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (!running()) throw new Error(`redis-server on port ${port} exited at start`);
    if ((await ask(port, 'PING').catch(() => undefined)) === 'PONG') return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
    await pause(50);
  }
}

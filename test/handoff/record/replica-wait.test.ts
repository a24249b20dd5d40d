import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { handoffKeys } from '../../../src/handoff/record/handoff-keys';
import { HandoffRecords } from '../../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../../src/handoff/record/handoff-rules';
import { RedisHandoffStore } from '../../../src/handoff/record/redis-handoff-store';
import { connectRedis } from '../../../src/store/redis-connection';
import { logCapture } from '../../support/log-capture';
import { ManualClock } from '../../support/manual-clock';
import { entry } from './handoff-records.contract';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Replication writes an RDB file: each server keeps it in the test's own temp folder. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'hotline-replica-wait-'));

async function startRedis(port: number, ...args: string[]): Promise<{ child: ChildProcess; redis: Redis }> {
  const dir = mkdtempSync(path.join(dataDir, `${port}-`));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...args], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    try {
      return { child, redis: await connectRedis(`redis://127.0.0.1:${port}`, { retryStrategy: () => null }) };
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

/** SPEC §5: a claim acknowledged to an agent has reached a replica, or the shortfall is logged (WAIT 1, bounded). */
describe('a claim waits for a replica (private primary and replica)', () => {
  let primary: { child: ChildProcess; redis: Redis };
  let replica: { child: ChildProcess; redis: Redis };
  const log = logCapture();
  let records: HandoffRecords;
  const keys = handoffKeys('wait:');

  beforeAll(async () => {
    const primaryPort = await freePort();
    primary = await startRedis(primaryPort);
    replica = await startRedis(await freePort(), '--replicaof', '127.0.0.1', String(primaryPort));
    for (let i = 0; i < 100 && !/master_link_status:up/.test(await replica.redis.info('replication')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const store = new RedisHandoffStore(primary.redis, 'wait:', pino(log.stream));
    records = new HandoffRecords(store, DEFAULT_HANDOFF_RULES, new ManualClock());
  }, 20_000);
  afterAll(async () => {
    replica.child.kill('SIGCONT');
    primary.redis.disconnect();
    replica.redis.disconnect();
    await stop(replica.child);
    await stop(primary.child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the record is on the replica when the claim answers', async () => {
    const { record } = await records.enqueue(entry());
    const claimed = await records.claim('alice', ['tier1']);
    expect(claimed).toMatchObject({ kind: 'claimed', record: { callSid: record.callSid } });
    const onReplica = await replica.redis.hget(keys.record(record.callSid), 'r');
    expect(JSON.parse(onReplica!)).toMatchObject({ state: 'offered', agentId: 'alice' });
    expect(log.text()).not.toContain('not yet on a replica');
  });

  it('with the replica stalled, the claim stands after the bounded wait and the shortfall is logged', async () => {
    const { record } = await records.enqueue(entry());
    replica.child.kill('SIGSTOP');
    const started = Date.now();
    const claimed = await records.claim('bob', ['tier1']);
    const waited = Date.now() - started;
    replica.child.kill('SIGCONT');
    expect(claimed).toMatchObject({ kind: 'claimed', record: { callSid: record.callSid } });
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(log.text()).toMatch(new RegExp(`"callSid":"${record.callSid}".*not yet on a replica`));
  });
});

import type { Redis } from 'ioredis';
import pino from 'pino';
import { handoffKeys } from '../../../src/handoff/record/handoff-keys';
import { HandoffRecords } from '../../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../../src/handoff/record/handoff-rules';
import { RedisHandoffStore } from '../../../src/handoff/record/redis-handoff-store';
import { connectRedis } from '../../../src/store/redis-connection';
import { ReplicaWait } from '../../../src/store/replica-wait';
import { logCapture } from '../../support/log-capture';
import { ManualClock } from '../../support/manual-clock';
import { startPrivateRedis, type PrivateRedis } from '../../support/private-redis';
import { entry } from './handoff-records.contract';

/** SPEC §5: a claim acknowledged to an agent has reached a replica, or the shortfall is logged (WAIT 1, bounded). */
describe('a claim waits for a replica (private primary and replica)', () => {
  let primary: { server: PrivateRedis; redis: Redis };
  let replica: { server: PrivateRedis; redis: Redis };
  const log = logCapture();
  let records: HandoffRecords;
  let patient: HandoffRecords;
  const keys = handoffKeys('wait:');

  beforeAll(async () => {
    const started = async (server: PrivateRedis) => ({ server, redis: await connectRedis(`redis://127.0.0.1:${server.port}`) });
    primary = await started(await startPrivateRedis());
    replica = await started(await startPrivateRedis(['--replicaof', '127.0.0.1', String(primary.server.port)]));
    for (let i = 0; i < 100 && !/master_link_status:up/.test(await replica.redis.info('replication')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const store = new RedisHandoffStore(primary.redis, 'wait:', { log: pino(log.stream) });
    records = new HandoffRecords(store, DEFAULT_HANDOFF_RULES, new ManualClock());
    // The production bound (100 ms) can pass before a loaded test machine's replica acknowledges.
    const patientStore = new RedisHandoffStore(primary.redis, 'wait:', { log: pino(log.stream), replicaWait: new ReplicaWait(primary.redis, pino(log.stream), 5000) });
    patient = new HandoffRecords(patientStore, DEFAULT_HANDOFF_RULES, new ManualClock());
  }, 20_000);
  afterAll(async () => {
    replica.server.child.kill('SIGCONT');
    primary.redis.disconnect();
    replica.redis.disconnect();
    await replica.server.remove();
    await primary.server.remove();
  });

  it('the record is on the replica when the claim answers', async () => {
    const { record } = await patient.enqueue(entry());
    const claimed = await patient.claim('alice', ['tier1']);
    expect(claimed).toMatchObject({ kind: 'claimed', record: { callSid: record.callSid } });
    const onReplica = await replica.redis.hget(keys.record(record.callSid), 'r');
    expect(JSON.parse(onReplica!)).toMatchObject({ state: 'offered', agentId: 'alice' });
    expect(log.text()).not.toContain('not yet on a replica');
  });

  it('with the replica stalled, the claim stands after the bounded wait and the shortfall is logged', async () => {
    const { record } = await records.enqueue(entry());
    replica.server.child.kill('SIGSTOP');
    const started = Date.now();
    const claimed = await records.claim('bob', ['tier1']);
    const waited = Date.now() - started;
    replica.server.child.kill('SIGCONT');
    expect(claimed).toMatchObject({ kind: 'claimed', record: { callSid: record.callSid } });
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(log.text()).toMatch(new RegExp(`"callSid":"${record.callSid}".*not yet on a replica`));
  });
});

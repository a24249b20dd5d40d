import type { HumanQueue, QueueEntry } from '../../src/queue/human-queue';

/** One fresh, empty queue per test; `cleanup` runs after each test. */
export interface QueueFactory {
  create(): Promise<HumanQueue>;
  cleanup(): Promise<void>;
}

const T0 = 1_700_000_000_000;

export function caller(callSid: string, overrides: Partial<QueueEntry> = {}): QueueEntry {
  return {
    callSid,
    queue: 'tier1',
    from: '+8613800000001',
    language: 'zh-CN',
    identityLevel: 1,
    walletId: 'w-1',
    intent: 'transaction.failed',
    subject: { kind: 'transaction', id: 'tx-9' },
    priority: 'normal',
    enqueuedAt: T0,
    callbackRequested: false,
    ...overrides,
  };
}

/** The behaviour every HumanQueue implementation must share (SPEC §4). */
export function humanQueueContract(factory: QueueFactory): void {
  let queue: HumanQueue;

  beforeEach(async () => {
    queue = await factory.create();
  });
  afterEach(() => factory.cleanup());

  const order = async (tier: 'tier1' | 'tier2') => (await queue.list(tier)).map((call) => call.callSid);

  describe('ordering', () => {
    it('orders by priority, then by time queued', async () => {
      await queue.enqueue(caller('CA-normal-late', { enqueuedAt: T0 + 1000 }));
      await queue.enqueue(caller('CA-urgent', { priority: 'urgent', enqueuedAt: T0 + 3000 }));
      await queue.enqueue(caller('CA-repeat', { priority: 'repeat', enqueuedAt: T0 + 2000 }));
      await queue.enqueue(caller('CA-normal-early', { enqueuedAt: T0 + 500 }));
      expect(await order('tier1')).toEqual(['CA-urgent', 'CA-repeat', 'CA-normal-early', 'CA-normal-late']);
      expect(await queue.depth('tier1')).toBe(4);
      expect(await queue.depth('tier2')).toBe(0);
    });

    it('reports 1-based positions and sizes', async () => {
      expect(await queue.enqueue(caller('CA-1'))).toEqual({ created: true, position: 1, size: 1 });
      expect(await queue.enqueue(caller('CA-2', { enqueuedAt: T0 + 1 }))).toEqual({ created: true, position: 2, size: 2 });
      expect(await queue.enqueue(caller('CA-0', { priority: 'urgent', enqueuedAt: T0 + 2 }))).toEqual({
        created: true,
        position: 1,
        size: 3,
      });
      expect(await queue.position('CA-2')).toEqual({ queue: 'tier1', position: 3, size: 3 });
      expect(await queue.position('CA-unknown')).toBeNull();
      const listed = await queue.list('tier1');
      expect(listed.map((call) => call.position)).toEqual([1, 2, 3]);
      expect(await queue.list('tier1', 2)).toHaveLength(2);
    });

    it('keeps everything the IVR learned about the caller', async () => {
      const entry = caller('CA-ctx', { note: 'from the IVR', identityLevel: 2, callbackRequested: true });
      await queue.enqueue(entry);
      expect(await queue.getEntry('CA-ctx')).toEqual({ ...entry, state: 'waiting', waitingSince: T0 });
      const bare = caller('CA-bare', { identityLevel: 0 });
      delete bare.walletId;
      delete bare.subject;
      await queue.enqueue(bare);
      expect(await queue.getEntry('CA-bare')).toEqual({ ...bare, state: 'waiting', waitingSince: T0 });
    });

    it('rejects an entry that is not well formed', async () => {
      await expect(queue.enqueue(caller('CA-bad', { from: '13800000001' }))).rejects.toThrow();
      expect(await queue.depth('tier1')).toBe(0);
    });
  });

  describe('idempotent enqueue', () => {
    it('neither duplicates nor moves a caller when the webhook is retried', async () => {
      await queue.enqueue(caller('CA-1'));
      await queue.enqueue(caller('CA-2', { enqueuedAt: T0 + 1 }));
      const retry = await queue.enqueue(caller('CA-2', { priority: 'urgent', enqueuedAt: T0 + 99 }));
      expect(retry).toEqual({ created: false, position: 2, size: 2 });
      expect(await order('tier1')).toEqual(['CA-1', 'CA-2']);
      expect((await queue.getEntry('CA-2'))?.priority).toBe('normal');
    });

    it('does not put back a caller who is already with an agent', async () => {
      await queue.enqueue(caller('CA-1'));
      await queue.claim(['tier1'], 'alice', T0 + 10, 30_000);
      expect(await queue.enqueue(caller('CA-1'))).toEqual({ created: false, position: null, size: 0 });
      expect(await queue.depth('tier1')).toBe(0);
      expect((await queue.getEntry('CA-1'))?.state).toBe('claimed');
    });
  });

  describe('claim', () => {
    it('returns null when nobody waits', async () => {
      expect(await queue.claim(['tier2', 'tier1'], 'bob', T0, 30_000)).toBeNull();
    });

    it('takes the head, with a lease, and records the owner', async () => {
      await queue.enqueue(caller('CA-1'));
      await queue.enqueue(caller('CA-2', { enqueuedAt: T0 + 1 }));
      const claimed = await queue.claim(['tier1'], 'alice', T0 + 5000, 30_000);
      expect(claimed).toMatchObject({ agentId: 'alice', leaseExpiresAt: T0 + 35_000, waitedMs: 5000 });
      expect(claimed?.call).toMatchObject({ callSid: 'CA-1', state: 'claimed', agentId: 'alice', intent: 'transaction.failed' });
      expect(await queue.owner('CA-1')).toBe('alice');
      expect(await queue.owner('CA-2')).toBeNull();
      expect(await queue.position('CA-1')).toBeNull();
      expect(await queue.position('CA-2')).toEqual({ queue: 'tier1', position: 1, size: 1 });
    });

    it('serves the queues in the agent’s preference order', async () => {
      await queue.enqueue(caller('CA-t1', { priority: 'urgent' }));
      await queue.enqueue(caller('CA-t2', { queue: 'tier2', enqueuedAt: T0 + 50 }));
      expect((await queue.claim(['tier2', 'tier1'], 'bob', T0 + 100, 30_000))?.call.callSid).toBe('CA-t2');
      expect((await queue.claim(['tier2', 'tier1'], 'bob', T0 + 100, 30_000))?.call.callSid).toBe('CA-t1');
      expect(await queue.claim(['tier2', 'tier1'], 'bob', T0 + 100, 30_000)).toBeNull();
    });

    it('only a tier2 queue for a tier2-only agent', async () => {
      await queue.enqueue(caller('CA-t1'));
      expect(await queue.claim(['tier2'], 'carol', T0, 30_000)).toBeNull();
      expect(await queue.depth('tier1')).toBe(1);
    });
  });

  describe('bridge', () => {
    it('connects the call for the claiming agent only', async () => {
      await queue.enqueue(caller('CA-1'));
      await queue.claim(['tier1'], 'alice', T0, 30_000);
      expect(await queue.confirmBridge('CA-1', 'bob')).toBe(false);
      expect(await queue.confirmBridge('CA-1', 'alice')).toBe(true);
      expect(await queue.confirmBridge('CA-1', 'alice')).toBe(true);
      const call = await queue.getEntry('CA-1');
      expect(call).toMatchObject({ state: 'connected', agentId: 'alice' });
      expect(call?.leaseExpiresAt).toBeUndefined();
      expect(await queue.confirmBridge('CA-unknown', 'alice')).toBe(false);
    });

    it('puts a caller whose bridge failed back at the very front', async () => {
      await queue.enqueue(caller('CA-1'));
      await queue.enqueue(caller('CA-2', { enqueuedAt: T0 + 1 }));
      await queue.claim(['tier1'], 'alice', T0 + 10, 30_000);
      await queue.enqueue(caller('CA-urgent', { priority: 'urgent', enqueuedAt: T0 + 20 }));
      expect(await queue.requeueFront('CA-1')).toBe(true);
      expect(await order('tier1')).toEqual(['CA-1', 'CA-urgent', 'CA-2']);
      expect(await queue.getEntry('CA-1')).toMatchObject({ state: 'waiting', waitingSince: T0 });
      expect(await queue.owner('CA-1')).toBeNull();
      expect(await queue.requeueFront('CA-1')).toBe(false);
      expect(await queue.requeueFront('CA-unknown')).toBe(false);
      expect((await queue.claim(['tier1'], 'bob', T0 + 30, 30_000))?.call.callSid).toBe('CA-1');
    });
  });

  describe('escalation', () => {
    it('moves a connected caller to the front of tier2 with the note', async () => {
      await queue.enqueue(caller('CA-waiting-urgent', { queue: 'tier2', priority: 'urgent' }));
      await queue.enqueue(caller('CA-1', { enqueuedAt: T0 + 1 }));
      await queue.claim(['tier1'], 'alice', T0 + 100, 30_000);
      await queue.confirmBridge('CA-1', 'alice');
      expect(await queue.escalate('CA-1', 'suspected account takeover', T0 + 60_000)).toBe(true);
      expect(await order('tier2')).toEqual(['CA-1', 'CA-waiting-urgent']);
      expect(await queue.getEntry('CA-1')).toMatchObject({
        queue: 'tier2',
        state: 'waiting',
        note: 'suspected account takeover',
        waitingSince: T0 + 60_000,
      });
      expect(await queue.owner('CA-1')).toBeNull();
      const taken = await queue.claim(['tier2', 'tier1'], 'bob', T0 + 70_000, 30_000);
      expect(taken).toMatchObject({ waitedMs: 10_000, call: { callSid: 'CA-1', note: 'suspected account takeover' } });
    });

    it('refuses a caller who is not with an agent', async () => {
      await queue.enqueue(caller('CA-1'));
      expect(await queue.escalate('CA-1', 'note', T0)).toBe(false);
      expect(await queue.escalate('CA-unknown', 'note', T0)).toBe(false);
      expect(await queue.depth('tier2')).toBe(0);
    });
  });

  describe('removal', () => {
    it('removes a waiting caller who hung up', async () => {
      await queue.enqueue(caller('CA-1'));
      await queue.enqueue(caller('CA-2', { enqueuedAt: T0 + 1 }));
      const removed = await queue.remove('CA-1', T0 + 45_000);
      expect(removed).toMatchObject({ callSid: 'CA-1', state: 'waiting', waitedMs: 45_000 });
      expect(await queue.position('CA-2')).toEqual({ queue: 'tier1', position: 1, size: 1 });
      expect(await queue.getEntry('CA-1')).toBeNull();
      expect(await queue.remove('CA-1', T0 + 46_000)).toBeNull();
    });

    it('removes a claimed caller, whose lease then never requeues them', async () => {
      await queue.enqueue(caller('CA-1'));
      await queue.claim(['tier1'], 'alice', T0, 1000);
      expect(await queue.remove('CA-1', T0 + 500)).toMatchObject({ state: 'claimed', agentId: 'alice' });
      expect(await queue.sweepExpiredLeases(T0 + 5000)).toEqual([]);
      expect(await queue.depth('tier1')).toBe(0);
      expect(await queue.owner('CA-1')).toBeNull();
    });
  });

  describe('lease expiry', () => {
    it('requeues each expired lease at the front, exactly once', async () => {
      await queue.enqueue(caller('CA-A'));
      await queue.enqueue(caller('CA-B', { enqueuedAt: T0 + 1 }));
      await queue.enqueue(caller('CA-C', { enqueuedAt: T0 + 2 }));
      await queue.claim(['tier1'], 'alice', T0 + 1000, 5000);
      await queue.claim(['tier1'], 'bob', T0 + 2000, 5000);
      expect(await queue.sweepExpiredLeases(T0 + 5999)).toEqual([]);
      expect(await queue.sweepExpiredLeases(T0 + 6000)).toEqual(['CA-A']);
      expect(await queue.sweepExpiredLeases(T0 + 6000)).toEqual([]);
      expect(await order('tier1')).toEqual(['CA-A', 'CA-C']);
      expect(await queue.confirmBridge('CA-A', 'alice')).toBe(false);
      expect(await queue.confirmBridge('CA-B', 'bob')).toBe(true);
      expect(await queue.sweepExpiredLeases(T0 + 60_000)).toEqual([]);
      expect((await queue.getEntry('CA-B'))?.state).toBe('connected');
    });
  });

  describe('callback request', () => {
    it('marks the caller and keeps their place', async () => {
      await queue.enqueue(caller('CA-1'));
      await queue.enqueue(caller('CA-2', { enqueuedAt: T0 + 1 }));
      expect(await queue.requestCallback('CA-2')).toBe(true);
      expect(await queue.position('CA-2')).toEqual({ queue: 'tier1', position: 2, size: 2 });
      expect((await queue.list('tier1'))[1]).toMatchObject({ callSid: 'CA-2', callbackRequested: true });
      await queue.claim(['tier1'], 'alice', T0, 30_000);
      expect(await queue.requestCallback('CA-1')).toBe(false);
      expect(await queue.requestCallback('CA-unknown')).toBe(false);
    });
  });

  describe('estimated wait', () => {
    it('is null without history', async () => {
      expect(await queue.estimatedWaitMs('tier1', 3)).toBeNull();
    });

    it('is position × the shorter of mean wait and time between answers', async () => {
      await queue.recordWait('tier1', 60_000, T0);
      expect(await queue.estimatedWaitMs('tier1', 2)).toBe(120_000);
      // Quiet: answers 10 min apart, short waits → the mean wait (45 s) per place.
      await queue.recordWait('tier1', 30_000, T0 + 600_000);
      expect(await queue.estimatedWaitMs('tier1', 3)).toBe(135_000);
      // Busy: answers 20 s apart on average, long waits → 20 s per place.
      await queue.recordWait('tier2', 300_000, T0);
      await queue.recordWait('tier2', 300_000, T0 + 20_000);
      await queue.recordWait('tier2', 300_000, T0 + 40_000);
      expect(await queue.estimatedWaitMs('tier2', 5)).toBe(100_000);
    });

    it('uses only the last 50 waits', async () => {
      for (let i = 0; i < 10; i += 1) await queue.recordWait('tier1', 1_000_000, T0 + i);
      for (let i = 0; i < 50; i += 1) await queue.recordWait('tier1', 1000, T0 + 1_000_000 + i * 10_000);
      expect(await queue.estimatedWaitMs('tier1', 1)).toBe(1000);
    });
  });
}

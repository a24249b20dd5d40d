import type { RedisClient } from './redis-connection';
import type { RecordStream, StreamEntry, StreamLag } from './record-stream';
import { entryTime } from './record-stream';

const GROUP = 'records';
const FIELD = 'f';

type RawEntries = Array<[id: string, fields: string[] | null]>;

/** An entry's fact; null for an entry trimmed away (MAXLEN) while it was pending. */
function entries(raw: RawEntries): StreamEntry[] {
  return raw.flatMap(([id, fields]) => {
    const at = fields ? fields.indexOf(FIELD) : -1;
    return fields && at >= 0 && fields[at + 1] !== undefined ? [{ id, fact: fields[at + 1]! }] : [];
  });
}

/**
 * The record stream in Redis: one stream key (it shares the hand-off's hash tag, so the hand-off's
 * script appends to it atomically with a step, also on Redis Cluster), one consumer group, polled
 * without blocking (no connection of its own; commands stay within the webhook path's timeouts).
 * Written entries are acknowledged and deleted in one MULTI.
 */
export class RedisRecordStream implements RecordStream {
  constructor(
    private readonly redis: RedisClient,
    readonly key: string,
    readonly maxLen: number,
  ) {}

  async append(fact: string): Promise<void> {
    await this.redis.xadd(this.key, 'MAXLEN', '~', String(this.maxLen), '*', FIELD, fact);
  }

  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.key, GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  readNew(consumer: string, count: number): Promise<StreamEntry[]> {
    return this.read(consumer, count, '>');
  }

  readPending(consumer: string, count: number): Promise<StreamEntry[]> {
    return this.read(consumer, count, '0');
  }

  async claimIdle(consumer: string, minIdleMs: number, count: number): Promise<StreamEntry[]> {
    const reply = (await this.redis.xautoclaim(this.key, GROUP, consumer, minIdleMs, '0-0', 'COUNT', count)) as [string, RawEntries, string[]?];
    return entries(reply[1]);
  }

  async done(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const replies = await this.redis.multi().xack(this.key, GROUP, ...ids).xdel(this.key, ...ids).exec();
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw failed?.[0] ?? new Error('record stream MULTI was discarded');
  }

  async lag(): Promise<StreamLag> {
    const replies = (await this.redis.pipeline().xlen(this.key).xrange(this.key, '-', '+', 'COUNT', 1).xpending(this.key, GROUP).exec()) ?? [];
    const [length, first, pending] = replies.map(([error, value]) => (error ? null : value));
    const oldest = (first as RawEntries | null)?.[0]?.[0];
    return {
      backlog: Number(length ?? 0),
      pending: Number((pending as [number] | null)?.[0] ?? 0),
      oldestAt: oldest ? entryTime(oldest) : null,
    };
  }

  private async read(consumer: string, count: number, from: string): Promise<StreamEntry[]> {
    const reply = (await this.redis.xreadgroup('GROUP', GROUP, consumer, 'COUNT', count, 'STREAMS', this.key, from)) as
      | Array<[string, RawEntries]>
      | null;
    return entries(reply?.[0]?.[1] ?? []);
  }
}

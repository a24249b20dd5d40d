import { DEFAULT_RECORD_STREAM_MAXLEN, entryTime, type RecordStream, type StreamEntry, type StreamLag } from './record-stream';

interface Held {
  id: string;
  fact: string;
  consumer?: string;
  deliveredAt?: number;
}

/**
 * The embedded store's record stream, in the process: the same consumer-group rules as the Redis
 * stream (each entry delivered to one consumer, kept until `done`, taken over when left idle),
 * bounded the same way. Appending is synchronous, so the embedded hand-off store appends within
 * the step it applies, as the Lua script does.
 */
export class MemoryRecordStream implements RecordStream {
  private readonly held = new Map<string, Held>();
  /** Entries never delivered, oldest first (delivered ones leave from the front). */
  private fresh: Held[] = [];
  private lastMs = 0;
  private seq = 0;

  constructor(private readonly maxLen = DEFAULT_RECORD_STREAM_MAXLEN) {}

  push(fact: string): void {
    const now = Math.max(Date.now(), this.lastMs);
    this.seq = now === this.lastMs ? this.seq + 1 : 0;
    this.lastMs = now;
    const entry: Held = { id: `${now}-${this.seq}`, fact };
    this.held.set(entry.id, entry);
    this.fresh.push(entry);
    while (this.held.size > this.maxLen) {
      const oldest = this.held.keys().next().value!;
      this.held.delete(oldest);
    }
  }

  async append(fact: string): Promise<void> {
    this.push(fact);
  }

  async ensureGroup(): Promise<void> {}

  async readNew(consumer: string, count: number): Promise<StreamEntry[]> {
    const taken: StreamEntry[] = [];
    while (taken.length < count && this.fresh.length > 0) {
      const entry = this.fresh.shift()!;
      if (!this.held.has(entry.id)) continue;
      this.deliver(entry, consumer);
      taken.push({ id: entry.id, fact: entry.fact });
    }
    return taken;
  }

  async readPending(consumer: string, count: number): Promise<StreamEntry[]> {
    return this.delivered((entry) => entry.consumer === consumer, count).map(({ id, fact }) => ({ id, fact }));
  }

  async claimIdle(consumer: string, minIdleMs: number, count: number): Promise<StreamEntry[]> {
    const idleSince = Date.now() - minIdleMs;
    return this.delivered((entry) => entry.deliveredAt! <= idleSince, count).map((entry) => {
      this.deliver(entry, consumer);
      return { id: entry.id, fact: entry.fact };
    });
  }

  async done(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.held.delete(id);
  }

  async lag(): Promise<StreamLag> {
    const oldest = this.held.keys().next().value;
    let pending = 0;
    for (const entry of this.held.values()) if (entry.consumer !== undefined) pending += 1;
    return { backlog: this.held.size, pending, oldestAt: oldest === undefined ? null : entryTime(oldest) };
  }

  private deliver(entry: Held, consumer: string): void {
    entry.consumer = consumer;
    entry.deliveredAt = Date.now();
  }

  private delivered(match: (entry: Held) => boolean, count: number): Held[] {
    const found: Held[] = [];
    for (const entry of this.held.values()) {
      if (found.length >= count) break;
      if (entry.consumer !== undefined && match(entry)) found.push(entry);
    }
    return found;
  }
}

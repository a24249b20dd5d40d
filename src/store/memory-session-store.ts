import type { Clock } from '../clock';
import { ExpiringMap } from './expiring-map';
import type { SessionStore, StoredSession } from './session-store';

export class MemorySessionStore implements SessionStore {
  readonly sessions: ExpiringMap<StoredSession>;

  constructor(clock: Clock) {
    this.sessions = new ExpiringMap(clock);
  }

  async load(callSid: string): Promise<StoredSession | null> {
    return this.sessions.get(callSid) ?? null;
  }

  async save(callSid: string, data: string, expectedRevision: number, ttlSeconds: number): Promise<boolean> {
    const current = this.sessions.get(callSid)?.revision ?? 0;
    if (current !== expectedRevision) return false;
    this.sessions.set(callSid, { revision: expectedRevision + 1, data }, ttlSeconds * 1000);
    return true;
  }
}

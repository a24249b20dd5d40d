import type { SessionStore } from '../../src/store/session-store';

/** A fresh SessionStore per test, and a way to let time pass for it. */
export interface SessionStoreFactory {
  create(): Promise<SessionStore>;
  cleanup(): Promise<void>;
  /** Lets `ms` pass as the store sees time (a manual clock, or a real wait for Redis). */
  elapse(ms: number): Promise<void>;
}

let counter = 0;
const sid = () => `CA${(Date.now() * 1000 + counter++).toString(16).padStart(32, '0').slice(-32)}`;

/** The compare-and-set and expiry behaviour every SessionStore must share (the engine relies on it). */
export function sessionStoreContract(factory: SessionStoreFactory): void {
  let sessions: SessionStore;

  beforeEach(async () => {
    sessions = await factory.create();
  });
  afterEach(() => factory.cleanup());

  describe('compare-and-set', () => {
    it('knows nothing of a call that was never saved', async () => {
      expect(await sessions.load(sid())).toBeNull();
    });

    it('creates a session with expected revision 0, stored as revision 1', async () => {
      const callSid = sid();
      expect(await sessions.save(callSid, 'first', 0, 60)).toBe(true);
      expect(await sessions.load(callSid)).toEqual({ revision: 1, data: 'first' });
    });

    it('refuses to create when the expected revision is not 0', async () => {
      const callSid = sid();
      expect(await sessions.save(callSid, 'x', 1, 60)).toBe(false);
      expect(await sessions.save(callSid, 'x', 5, 60)).toBe(false);
      expect(await sessions.load(callSid)).toBeNull();
    });

    it('increments the revision by one on every successful write', async () => {
      const callSid = sid();
      for (let revision = 0; revision < 5; revision++) {
        expect(await sessions.save(callSid, `data-${revision}`, revision, 60)).toBe(true);
        expect(await sessions.load(callSid)).toEqual({ revision: revision + 1, data: `data-${revision}` });
      }
    });

    it('a writer with a stale revision loses and leaves the winner in place', async () => {
      const callSid = sid();
      await sessions.save(callSid, 'a', 0, 60);
      expect(await sessions.save(callSid, 'b', 1, 60)).toBe(true);
      expect(await sessions.save(callSid, 'stale', 1, 60)).toBe(false);
      expect(await sessions.save(callSid, 'again', 0, 60)).toBe(false);
      expect(await sessions.save(callSid, 'future', 9, 60)).toBe(false);
      expect(await sessions.load(callSid)).toEqual({ revision: 2, data: 'b' });
    });

    it('of concurrent writers on one revision exactly one wins', async () => {
      const callSid = sid();
      await sessions.save(callSid, 'start', 0, 60);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => sessions.save(callSid, `w${i}`, 1, 60)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await sessions.load(callSid)).toEqual({ revision: 2, data: `w${winner}` });
    });

    it('keeps calls apart', async () => {
      const [a, b] = [sid(), sid()];
      await sessions.save(a, 'A', 0, 60);
      await sessions.save(b, 'B', 0, 60);
      await sessions.save(b, 'B2', 1, 60);
      expect(await sessions.load(a)).toEqual({ revision: 1, data: 'A' });
      expect(await sessions.load(b)).toEqual({ revision: 2, data: 'B2' });
    });

    it('stores data verbatim, including Chinese text and JSON', async () => {
      const callSid = sid();
      const data = JSON.stringify({ text: '欢迎致电百信数字钱包', quote: '"\\\n' });
      await sessions.save(callSid, data, 0, 60);
      expect((await sessions.load(callSid))?.data).toBe(data);
    });
  });

  describe('expiry', () => {
    it('a session vanishes after its TTL', async () => {
      const callSid = sid();
      await sessions.save(callSid, 'short', 0, 1);
      expect(await sessions.load(callSid)).not.toBeNull();
      await factory.elapse(1300);
      expect(await sessions.load(callSid)).toBeNull();
      // An expired call starts afresh at revision 0.
      expect(await sessions.save(callSid, 'again', 1, 60)).toBe(false);
      expect(await sessions.save(callSid, 'again', 0, 60)).toBe(true);
      expect(await sessions.load(callSid)).toEqual({ revision: 1, data: 'again' });
    });

    it('every write renews the TTL', async () => {
      const callSid = sid();
      await sessions.save(callSid, 'one', 0, 2);
      await factory.elapse(1200);
      await sessions.save(callSid, 'two', 1, 2);
      await factory.elapse(1200);
      expect(await sessions.load(callSid)).toEqual({ revision: 2, data: 'two' });
    });
  });
}

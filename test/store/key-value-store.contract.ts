import type { KeyValueStore } from '../../src/store/key-value-store';

/** A fresh KeyValueStore per test, and a way to let time pass for it. */
export interface KeyValueStoreFactory {
  create(): Promise<KeyValueStore>;
  cleanup(): Promise<void>;
  /** Lets `ms` pass as the store sees time (a manual clock, or a real wait for Redis). */
  elapse(ms: number): Promise<void>;
}

let counter = 0;
const key = (label: string) => `${label}:${counter++}`;

/** Counters, codes and overrides with expiry: what identity lockouts rely on across instances. */
export function keyValueStoreContract(factory: KeyValueStoreFactory): void {
  let values: KeyValueStore;

  beforeEach(async () => {
    values = await factory.create();
  });
  afterEach(() => factory.cleanup());

  describe('get / set / delete', () => {
    it('returns null for a missing key', async () => {
      expect(await values.get(key('missing'))).toBeNull();
    });

    it('stores and overwrites a value', async () => {
      const k = key('value');
      await values.set(k, 'one');
      expect(await values.get(k)).toBe('one');
      await values.set(k, '二');
      expect(await values.get(k)).toBe('二');
    });

    it('deletes a value, and deleting a missing key is harmless', async () => {
      const k = key('delete');
      await values.set(k, 'x');
      await values.delete(k);
      expect(await values.get(k)).toBeNull();
      await expect(values.delete(key('never'))).resolves.toBeUndefined();
    });

    it('a value set with a TTL expires; one without stays', async () => {
      const [short, forever] = [key('short'), key('forever')];
      await values.set(short, 'gone soon', 500);
      await values.set(forever, 'stays');
      expect(await values.get(short)).toBe('gone soon');
      await factory.elapse(700);
      expect(await values.get(short)).toBeNull();
      expect(await values.get(forever)).toBe('stays');
    });

    it('setIfAbsent: of concurrent callers exactly one sets the key, which expires with its TTL', async () => {
      const k = key('claim');
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => values.setIfAbsent(k, `c${i}`, 500)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await values.get(k)).toBe(`c${results.indexOf(true)}`);
      expect(await values.setIfAbsent(k, 'late', 500)).toBe(false);
      await factory.elapse(700);
      expect(await values.setIfAbsent(k, 'again', 500)).toBe(true);
      expect(await values.get(k)).toBe('again');
    });

    it('set without a TTL removes an earlier expiry', async () => {
      const k = key('persist');
      await values.set(k, 'a', 500);
      await values.set(k, 'b');
      await factory.elapse(700);
      expect(await values.get(k)).toBe('b');
    });
  });

  describe('sets', () => {
    it('counts distinct members: adding one twice counts once', async () => {
      const k = key('set');
      expect(await values.setSize(k)).toBe(0);
      await values.addToSet(k, 'CA1', 60_000);
      await values.addToSet(k, 'CA2', 60_000);
      await values.addToSet(k, 'CA1', 60_000);
      expect(await values.setSize(k)).toBe(2);
    });

    it('expires as a whole at the TTL given when it was created, not extended by later members', async () => {
      const k = key('set-ttl');
      await values.addToSet(k, 'a', 500);
      await factory.elapse(300);
      await values.addToSet(k, 'b', 500);
      expect(await values.setSize(k)).toBe(2);
      await factory.elapse(400);
      expect(await values.setSize(k)).toBe(0);
    });

    it('is removed by delete', async () => {
      const k = key('set-delete');
      await values.addToSet(k, 'a', 60_000);
      await values.delete(k);
      expect(await values.setSize(k)).toBe(0);
    });
  });

  describe('increment', () => {
    it('creates a missing counter at 1 and counts up', async () => {
      const k = key('count');
      expect(await values.increment(k, 60_000)).toBe(1);
      expect(await values.increment(k, 60_000)).toBe(2);
      expect(await values.increment(k, 60_000)).toBe(3);
      expect(await values.get(k)).toBe('3');
    });

    it('the counter expires with the TTL given at creation', async () => {
      const k = key('expiring');
      await values.increment(k, 500);
      await factory.elapse(700);
      expect(await values.get(k)).toBeNull();
      expect(await values.increment(k, 500)).toBe(1);
    });

    it('later increments do not extend the window', async () => {
      const k = key('window');
      expect(await values.increment(k, 1000)).toBe(1);
      await factory.elapse(600);
      expect(await values.increment(k, 1000)).toBe(2);
      await factory.elapse(600);
      // 1.2 s after creation: gone, although the last increment was only 0.6 s ago.
      expect(await values.get(k)).toBeNull();
      expect(await values.increment(k, 1000)).toBe(1);
    });

    it('concurrent increments are atomic', async () => {
      const k = key('atomic');
      const results = await Promise.all(Array.from({ length: 20 }, () => values.increment(k, 60_000)));
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('deleting a counter restarts it', async () => {
      const k = key('reset');
      await values.increment(k, 60_000);
      await values.increment(k, 60_000);
      await values.delete(k);
      expect(await values.increment(k, 60_000)).toBe(1);
    });
  });
}

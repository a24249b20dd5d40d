import { createMemoryStore, type Store } from '../../src/stores';
import { ManualClock } from '../support/test-app';
import { keyValueStoreContract } from './key-value-store.contract';
import { sessionStoreContract } from './session-store.contract';

describe('the embedded (memory) store', () => {
  let clock: ManualClock;
  let store: Store;
  const factory = {
    elapse: async (ms: number) => clock.advance(ms),
    cleanup: async () => store.close(),
  };

  describe('sessions', () => {
    sessionStoreContract({
      ...factory,
      create: async () => {
        clock = new ManualClock();
        store = createMemoryStore(clock);
        return store.sessions;
      },
    });
  });

  describe('values', () => {
    keyValueStoreContract({
      ...factory,
      create: async () => {
        clock = new ManualClock();
        store = createMemoryStore(clock);
        return store.values;
      },
    });
  });

  it('expires exactly at the deadline, by its clock and not by wall time', async () => {
    clock = new ManualClock();
    store = createMemoryStore(clock);
    await store.sessions.save('CA1', 'x', 0, 10);
    await store.values.set('k', 'v', 10_000);
    clock.advance(9_999);
    expect(await store.sessions.load('CA1')).not.toBeNull();
    expect(await store.values.get('k')).toBe('v');
    clock.advance(1);
    expect(await store.sessions.load('CA1')).toBeNull();
    expect(await store.values.get('k')).toBeNull();
    await store.close();
  });

  it('answers ping and reports its kind', async () => {
    store = createMemoryStore(new ManualClock());
    expect(store.kind).toBe('memory');
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
  });
});

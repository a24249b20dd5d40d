import { getAdjacencyMap } from 'xstate/graph';
import { menus } from '../../flows/call-flow';
import { EFFECT_OUTCOMES, type EffectName } from '../../flows/effect-contract';
import type { MenuEvent } from '../../flows/menu-contract';
import { MENU_IDS, type MenuId } from '../../flows/menu-ids';
import type { CallFacts } from '../../flows/vocabulary';
import { currentMeta, persistMenu, restoreMenu, stepMenu, type MenuSnapshot } from '../../src/calls/menu-runner';
import { restingAnswer } from '../../src/calls/resting-prompt';
import { SessionKeeper } from '../../src/calls/session-keeper';
import { createMemoryStore, createRedisStore, type Store } from '../../src/stores';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { ManualClock } from '../support/test-app';
import type { Redis } from 'ioredis';

const KEYS = ['0', '1', '2', '3', '4', '9', '*', '#', '7', '123456'];
const FACTS: CallFacts[] = [{ identityLevel: 0 }, { identityLevel: 1, walletId: 'W-1' }, { identityLevel: 2, walletId: 'W-1' }];

/** Every answer every effect may give (from the effect contract), so every state is reached. */
const RESULTS: MenuEvent[] = (Object.keys(EFFECT_OUTCOMES) as EffectName[]).flatMap((effect) =>
  [...EFFECT_OUTCOMES[effect], 'unavailable'].map(
    (outcome) =>
      ({ type: 'RESULT', effect, outcome, facts: outcome === 'verified' ? { identityLevel: 1, walletId: 'W-1' } : {}, vars: { minutes: 15, attemptsLeft: 2, hours: '9-21', items: 'x', count: 1, points: 10, caseId: 'C1', caseDigits: 'C 1', amount: 1, reason: 'x', advice: 'x', time: 'x', counterparty: 'x' } }) as MenuEvent,
  ),
);
const EVENTS: MenuEvent[] = [...KEYS.map((digits) => ({ type: 'DIGITS' as const, digits })), { type: 'NO_INPUT' }, ...RESULTS];

/** The actions as the engine reads them (xstate's own bookkeeping, such as the actor's id, aside). */
const asData = (actions: Array<{ type: string; params?: unknown }>) => actions.map(({ type, params }) => ({ type, params }));

/** Every state a caller can rest in, in every menu, from every identity level (model-based, xstate/graph). */
function restingStates(menu: MenuId): MenuSnapshot[] {
  const found = new Map<string, MenuSnapshot>();
  for (const facts of FACTS) {
    const adjacency = getAdjacencyMap(menus[menu] as never, {
      input: { facts },
      events: EVENTS,
      serializeState: (snapshot: MenuSnapshot) => JSON.stringify([snapshot.value, snapshot.context.strikes, snapshot.context.facts.identityLevel]),
    } as never) as unknown as Record<string, { state: MenuSnapshot }>;
    for (const [key, { state }] of Object.entries(adjacency)) {
      const meta = state.status === 'done' ? undefined : currentMeta(state);
      if (meta && 'prompt' in meta) found.set(key, state);
    }
  }
  return [...found.values()];
}

const stores: Array<[string, () => Promise<{ store: Store; close: () => Promise<void> }>]> = [
  ['the embedded store', async () => ({ store: createMemoryStore(new ManualClock()), close: async () => undefined })],
  [
    'Redis',
    async () => {
      const redis: Redis = await testRedis();
      const prefix = uniquePrefix('session-roundtrip');
      return {
        store: createRedisStore(redis, prefix),
        close: async () => {
          await deletePrefix(redis, prefix);
          redis.disconnect();
        },
      };
    },
  ],
];

describe.each(stores)('a session saved and reloaded in every menu state (%s)', (_name, open) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => ({ store, close } = await open()));
  afterAll(() => close());

  it.each(MENU_IDS)('menu %s: the caller continues exactly where they were', async (menu) => {
    const states = restingStates(menu);
    expect(states.length).toBeGreaterThan(0);
    const keeper = new SessionKeeper({ sessions: store.sessions, clock: new ManualClock(), defaultLanguage: 'zh-CN', sessionTtlSeconds: 60 });
    for (const [index, snapshot] of states.entries()) {
      const callSid = `CA-${menu}-${index}`;
      const begun = keeper.begin({ callSid, from: '+8613800000001', to: '+8640000000000' }, 0).call;
      const session = { ...begun.session, menu, facts: snapshot.context.facts };
      expect(await keeper.save({ session, snapshot, revision: 0 })).toBe(1);

      const loaded = await keeper.load(callSid);
      expect(loaded.kind).toBe('open');
      if (loaded.kind !== 'open') continue;
      const restored = loaded.call.snapshot;
      expect(restored.value).toEqual(snapshot.value);
      expect(restored.context).toEqual(snapshot.context);
      expect(persistMenu(restored)).toEqual(persistMenu(snapshot));
      expect(restingAnswer(loaded.call.session, restored, 1)).toEqual(restingAnswer(session, snapshot, 1));
      // What happens next is the same from the stored copy as from the live one.
      for (const event of [{ type: 'DIGITS', digits: '*' }, { type: 'DIGITS', digits: '7' }, { type: 'NO_INPUT' }] as MenuEvent[]) {
        const live = stepMenu(menu, snapshot, event);
        const again = stepMenu(menu, restored, event);
        expect([again.snapshot.value, again.snapshot.context, asData(again.actions)]).toEqual([live.snapshot.value, live.snapshot.context, asData(live.actions)]);
      }
    }
  });
});

describe('what is stored of a menu', () => {
  it('keeps the facts out of the stored snapshot: they live once, in the session', () => {
    const facts: CallFacts = { identityLevel: 1, walletId: 'W-1', intent: 'transaction.failed' };
    const [state] = restingStates('transaction');
    const stored = persistMenu(restoreMenu('transaction', persistMenu(state!), facts));
    expect(stored.context).not.toHaveProperty('facts');
    expect(restoreMenu('transaction', stored, facts).context.facts).toEqual(facts);
  });

  it('refuses a stored context that carries facts of its own (an old copy)', () => {
    const [state] = restingStates('main');
    const stored = persistMenu(state!);
    expect(() => restoreMenu('main', { ...stored, context: { ...(stored.context as object), facts: { identityLevel: 2 } } }, { identityLevel: 0 })).toThrow(
      /wrong shape/,
    );
  });
});

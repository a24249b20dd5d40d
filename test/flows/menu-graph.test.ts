import { getAdjacencyMap, getShortestPaths, getStateNodes, toDirectedGraph } from 'xstate/graph';
import { initialTransition, transition, type AnyStateNode, type StateValue } from 'xstate';
import { menus } from '../../flows/call-flow';
import type { CallFacts, MenuContext, MenuEvent, MenuExit, MenuId, StateMeta } from '../../flows/menu-contract';
import { catalogue } from '../support/test-app';

/**
 * Model-based tests of every menu machine in the call flow, derived from the machines themselves
 * (their states, metas and guards), so they keep working when machines gain states.
 */
type AnyMenu = (typeof menus)['main'];
type Snapshot = ReturnType<AnyMenu['resolveState']>;
type Meta = Partial<StateMeta> & { awaits?: string };
interface Action {
  type: string;
  params?: unknown;
}

const KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];
/** What a caller types into a multi-digit entry (PIN / code, registered number with and without 86). */
const ENTRIES = ['123456', '13800000001', '8613800000001'];

const INPUTS: Array<{ label: string; facts: CallFacts }> = [
  { label: 'unverified', facts: { identityLevel: 0 } },
  { label: 'L1', facts: { identityLevel: 1, walletId: 'w-1' } },
  { label: 'L2', facts: { identityLevel: 2, walletId: 'w-1' } },
];

const menuIds = Object.keys(menus) as MenuId[];
const machineOf = (id: MenuId) => menus[id] as unknown as AnyMenu;

/** Every guard of a machine (transitions on events and eventless ones), as `{ type, params }`. */
function guardsOf(machine: AnyMenu): Array<{ type: string; params?: Record<string, unknown> }> {
  return getStateNodes(machine.root).flatMap((node: AnyStateNode) =>
    [...[...node.transitions.values()].flat(), ...(node.always ?? [])].flatMap((definition) => {
      const guard = definition.guard as unknown;
      if (!guard) return [];
      if (typeof guard === 'string') return [{ type: guard }];
      if (typeof guard === 'object') return [guard as { type: string; params?: Record<string, unknown> }];
      return [];
    }),
  );
}

/**
 * The effect answers the machine branches on, found in its `outcome`-like guards (which name
 * the effect and the outcome), plus the failures every effect may answer.
 */
function resultsOf(machine: AnyMenu): Array<{ effect: string; outcome: string }> {
  const pairs = guardsOf(machine)
    .filter((guard) => typeof guard.params?.is === 'string')
    .map((guard) => ({ effect: guard.params!.effect as string, outcome: guard.params!.is as string }));
  const effects = [...new Set(pairs.map((pair) => pair.effect))];
  const failures = effects.flatMap((effect) => ['unavailable', 'somethingUnexpected'].map((outcome) => ({ effect, outcome })));
  const seen = new Set<string>();
  return [...pairs, ...failures].filter((pair) => !seen.has(`${pair.effect}:${pair.outcome}`) && seen.add(`${pair.effect}:${pair.outcome}`));
}

const metaOfNode = (node: AnyStateNode): Meta | undefined => node.meta as Meta | undefined;

/** The meta of the state a snapshot rests in (prompt / gather / awaits). */
function metaOf(snapshot: Snapshot): Meta | undefined {
  const metas = Object.values(snapshot.getMeta()) as Array<Meta | undefined>;
  return metas.filter((meta) => meta && (meta.prompt || meta.awaits)).at(-1);
}

function pathToValue(path: string[]): StateValue {
  const [head, ...rest] = path;
  return rest.length === 0 ? head! : { [head!]: pathToValue(rest) };
}

/** The events that make sense to try in a state: keys, typed entries, silence, and effect answers. */
function eventsFor(machine: AnyMenu) {
  const results = resultsOf(machine);
  return (snapshot: Snapshot): MenuEvent[] => {
    const meta = metaOf(snapshot);
    const events: MenuEvent[] = [...KEYS.map((digits) => ({ type: 'DIGITS' as const, digits })), { type: 'NO_INPUT' }];
    if (meta?.gather && meta.gather !== 'menu') events.push(...ENTRIES.map((digits) => ({ type: 'DIGITS' as const, digits })));
    // Effects answer in a state that awaits them, or in an entry state that requested one with the typed digits.
    if (meta?.awaits || (meta?.gather && meta.gather !== 'menu')) {
      const answering = results.filter((result) => !meta.awaits || result.effect === meta.awaits);
      for (const { effect, outcome } of answering) {
        const result = { type: 'RESULT', effect, outcome } as Extract<MenuEvent, { type: 'RESULT' }>;
        if (outcome === 'verified') {
          events.push({ ...result, facts: { identityLevel: 1, walletId: 'w-1' } });
          events.push({ ...result, facts: { identityLevel: 2, walletId: 'w-1' } });
        } else {
          events.push({ ...result, vars: { attemptsLeft: 2, minutes: 15, hours: '9-21', caseNumber: 'C1' } });
        }
      }
    }
    return events;
  };
}

/** Keeps the state space small: what decides behaviour is the state, the strikes and the identity level. */
function serializeState(snapshot: Snapshot): string {
  const context = snapshot.context as MenuContext | undefined;
  return JSON.stringify({
    value: snapshot.value,
    status: snapshot.status,
    strikes: context?.strikes,
    level: context?.facts?.identityLevel,
    exit: snapshot.status === 'done' ? context?.exit : undefined,
  });
}

interface Explored {
  machine: AnyMenu;
  /** Every distinct snapshot the machine can rest in, from each input. */
  snapshots: Snapshot[];
  /** Every transition tried: from, event, to, and the actions it asked the engine to perform. */
  steps: Array<{ from: Snapshot; event: MenuEvent; to: Snapshot; actions: Action[] }>;
  initialActions: Action[];
  shortestPathTargets: Snapshot[];
}

function explore(id: MenuId): Explored {
  const machine = machineOf(id);
  const events = eventsFor(machine);
  const explored: Explored = { machine, snapshots: [], steps: [], initialActions: [], shortestPathTargets: [] };
  for (const { facts } of INPUTS) {
    const input = { facts };
    const options = { input, events, serializeState: (snapshot: Snapshot) => serializeState(snapshot) };
    const adjacency = getAdjacencyMap(machine, options as never) as Record<string, { state: Snapshot; transitions: Record<string, { event: MenuEvent; state: Snapshot }> }>;
    for (const { state } of Object.values(adjacency)) {
      explored.snapshots.push(state);
      if (state.status === 'done') continue;
      for (const event of events(state)) {
        const [to, actions] = transition(machine, state, event);
        explored.steps.push({ from: state, event, to, actions: actions as Action[] });
      }
    }
    const [, actions] = initialTransition(machine, input);
    explored.initialActions.push(...(actions as Action[]));
    const paths = getShortestPaths(machine, options as never) as Array<{ state: Snapshot }>;
    explored.shortestPathTargets.push(...paths.map((path) => path.state));
  }
  return explored;
}

const speechKeys = (actions: Action[]) =>
  actions.flatMap((action) => {
    const params = action.params as { key?: string; template?: string } | undefined;
    if (action.type === 'say') return [params?.key];
    if (action.type === 'sendSms') return [params?.template];
    return [];
  });

const hintSaid = (actions: Action[]) => speechKeys(actions).some((key) => key?.startsWith('hint.'));
const isDone = (snapshot: Snapshot) => snapshot.status === 'done';
const sameState = (a: Snapshot, b: Snapshot) => b.status !== 'done' && JSON.stringify(a.value) === JSON.stringify(b.value);
const exitOf = (snapshot: Snapshot): MenuExit | null => (snapshot.status === 'done' ? ((snapshot.output as MenuExit | null) ?? null) : null);

describe.each(menuIds)('menu machine %s', (id) => {
  const explored = explore(id);
  const { machine, snapshots, steps } = explored;
  const nodes = getStateNodes(machine.root);
  const resting = snapshots.filter((snapshot) => snapshot.status !== 'done');
  const menuSnapshots = resting.filter((snapshot) => metaOf(snapshot)?.gather === 'menu');
  const stepsFrom = (snapshot: Snapshot) => steps.filter((step) => step.from === snapshot);
  const stepOn = (snapshot: Snapshot, digits: string) =>
    stepsFrom(snapshot).find((step) => step.event.type === 'DIGITS' && step.event.digits === digits)!;

  it('has states to test, a state to rest in, and a final exit state', () => {
    expect(nodes.length).toBeGreaterThan(1);
    expect(resting.some((snapshot) => metaOf(snapshot)?.gather !== undefined)).toBe(true);
    expect(nodes.some((node) => node.type === 'final')).toBe(true);
  });

  it('every state node is visited by some path (transient states are passed through)', () => {
    const reached = (node: AnyStateNode) => explored.shortestPathTargets.some((snapshot) => snapshot.matches(pathToValue(node.path) as never));
    const graph = toDirectedGraph(machine);
    const edgeTargets = new Set<string>();
    const collect = (graphNode: typeof graph) => {
      for (const edge of graphNode.edges) edgeTargets.add(edge.target.id);
      graphNode.children.forEach(collect);
    };
    collect(graph);
    const unvisited = nodes.filter((node) => {
      if (node.path.length === 0) return false;
      if (reached(node)) return false;
      // An eventless (always) state never rests; it counts as visited when something leads into
      // it (or it is initial) and one of its ways out is visited.
      if (node.always?.length) {
        const entered = edgeTargets.has(node.id) || node.parent?.initial?.target?.includes(node);
        const leaves = node.always.some((definition) => (definition.target ?? []).some((target: AnyStateNode) => reached(target)));
        return !(entered && leaves);
      }
      return true;
    });
    expect(unvisited.map((node) => node.id)).toEqual([]);
  });

  it('no dead ends: every resting state has an event that leads elsewhere', () => {
    const stuck = resting.filter((snapshot) => !stepsFrom(snapshot).some((step) => !sameState(snapshot, step.to) || step.to.status === 'done'));
    expect(stuck.map(serializeState)).toEqual([]);
  });

  it('every state that listens (menus and entries) offers * (repeat, no hint), # (back) and 0 (agent)', () => {
    const listening = resting.filter((snapshot) => metaOf(snapshot)?.gather !== undefined);
    expect(listening.length).toBeGreaterThan(0);
    for (const snapshot of listening) {
      const options = metaOf(snapshot)?.options ?? [];
      const where = serializeState(snapshot);
      if (!options.includes('*')) {
        const star = stepOn(snapshot, '*');
        expect({ where, same: sameState(snapshot, star.to), hint: hintSaid(star.actions) }).toEqual({ where, same: true, hint: false });
      }
      if (!options.includes('#')) {
        const back = stepOn(snapshot, '#');
        const isMainMenu = id === 'main' && JSON.stringify(snapshot.value) === JSON.stringify(machine.getInitialSnapshot({ self: undefined } as never, { facts: { identityLevel: 0 } }).value);
        if (isMainMenu) {
          // Nothing above the main menu: # replays it.
          expect({ where, same: sameState(snapshot, back.to), hint: hintSaid(back.actions) }).toEqual({ where, same: true, hint: false });
        } else {
          expect({ where, moved: !sameState(snapshot, back.to), hint: hintSaid(back.actions) }).toEqual({ where, moved: true, hint: false });
        }
      }
      if (!options.includes('0')) {
        const agent = stepOn(snapshot, '0');
        expect({ where, exit: exitOf(agent.to)?.kind }).toEqual({ where, exit: 'agent' });
      }
    }
  });

  it('no unbounded loop: wrong keys or silence reach an agent within 3 failures, from any state with a prompt', () => {
    const fail = (snapshot: Snapshot, event: MenuEvent): Snapshot => transition(machine, snapshot, event)[0];
    for (const snapshot of resting.filter((candidate) => metaOf(candidate)?.prompt)) {
      const meta = metaOf(snapshot)!;
      const wrongKey = ['7', '8', '9', '6', '5', '4', '3', '2', '1'].find((key) => !(meta.options ?? []).includes(key)) ?? '99';
      const failures: MenuEvent[] = [{ type: 'NO_INPUT' }];
      if (meta.gather === 'menu') failures.push({ type: 'DIGITS', digits: wrongKey });
      for (const failure of failures) {
        let current: Snapshot = snapshot;
        let count = 0;
        while (!isDone(current) && count < 10) {
          current = fail(current, failure);
          count++;
        }
        const where = `${serializeState(snapshot)} on ${JSON.stringify(failure)}`;
        expect({ where, count: Math.min(count, 4), exit: exitOf(current) }).toEqual({
          where,
          count: expect.any(Number),
          exit: expect.objectContaining({ kind: 'agent', handoff: expect.objectContaining({ reason: 'strikes' }) }),
        });
        expect(count).toBeLessThanOrEqual(3);
      }
    }
  });

  it('a wrong key and silence get different hints in menu states', () => {
    for (const snapshot of menuSnapshots.filter((candidate) => (candidate.context as MenuContext).strikes === 0)) {
      const options = metaOf(snapshot)?.options ?? [];
      const wrongKey = ['7', '8', '9', '6', '5', '4', '3', '2', '1'].find((key) => !options.includes(key));
      if (!wrongKey) continue;
      const wrong = speechKeys(stepOn(snapshot, wrongKey).actions);
      const silent = speechKeys(stepsFrom(snapshot).find((step) => step.event.type === 'NO_INPUT')!.actions);
      expect({ where: serializeState(snapshot), wrong, silent }).toEqual({ where: serializeState(snapshot), wrong: ['hint.wrongKey'], silent: ['hint.noInput'] });
    }
  });

  it('every prompt in a state meta exists in the catalogue', () => {
    const prompts = nodes.map(metaOfNode).flatMap((meta) => (meta?.prompt ? [meta.prompt] : []));
    expect(prompts.length).toBeGreaterThan(0);
    expect(prompts.filter((key) => !catalogue.has(key))).toEqual([]);
  });

  it('every say / sendSms key emitted along the paths exists in the catalogue', () => {
    const emitted = new Set(
      [...explored.initialActions, ...steps.flatMap((step) => step.actions)]
        .filter((action) => action.type === 'say' || action.type === 'sendSms')
        .map((action) => {
          const key = speechKeys([action])[0];
          expect(typeof key).toBe('string');
          return key!;
        }),
    );
    expect([...emitted].filter((key) => !catalogue.has(key))).toEqual([]);
  });

  it('every exit is a known menu, back, or a well-formed hand-off', () => {
    const exits = snapshots.map(exitOf).filter((exit): exit is MenuExit => exit !== null);
    expect(exits.length).toBeGreaterThan(0);
    for (const exit of exits) {
      if (exit.kind === 'menu') expect(menuIds).toContain(exit.menu);
      else if (exit.kind === 'agent') {
        expect(exit.handoff).toMatchObject({
          tier: expect.stringMatching(/^tier[12]$/),
          intent: expect.stringMatching(/^\w+(\.\w+)*$/),
          priority: expect.stringMatching(/^(urgent|normal)$/),
          reason: expect.stringMatching(/^(asked|strikes|flow)$/),
        });
      } else expect(exit).toEqual({ kind: 'back' });
    }
  });
});

describe('the call flow as a whole', () => {
  it('every menu a machine can open is reachable from the main menu', () => {
    const opened = new Set<MenuId>(['main']);
    const queue: MenuId[] = ['main'];
    while (queue.length > 0) {
      const { snapshots } = explore(queue.shift()!);
      for (const snapshot of snapshots) {
        const exit = exitOf(snapshot);
        if (exit?.kind === 'menu' && !opened.has(exit.menu)) {
          opened.add(exit.menu);
          queue.push(exit.menu);
        }
      }
    }
    // Menus 1–5 are opened from the main menu; other menus (after hours) are opened by the engine.
    expect([...opened]).toEqual(expect.arrayContaining(['main', 'account', 'transaction', 'techSupport', 'features', 'fraud']));
  });

  it('the main menu opens menus 1–5 by key', () => {
    const machine = machineOf('main');
    const [start] = initialTransition(machine, { facts: { identityLevel: 0 } });
    const opened = Object.fromEntries(
      ['1', '2', '3', '4', '5'].map((digits) => [digits, exitOf(transition(machine, start, { type: 'DIGITS', digits })[0])]),
    );
    expect(opened).toEqual({
      '1': { kind: 'menu', menu: 'account' },
      '2': { kind: 'menu', menu: 'transaction' },
      '3': { kind: 'menu', menu: 'techSupport' },
      '4': { kind: 'menu', menu: 'features' },
      '5': { kind: 'menu', menu: 'fraud' },
    });
  });
});

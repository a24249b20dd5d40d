import { MemoryAgentAvailability } from '../../../src/agents/memory-agent-availability';
import type { HandoffEntry } from '../../../src/handoff/record/handoff-record';
import { HandoffRecords } from '../../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../../src/handoff/record/handoff-rules';
import { MemoryHandoffStore } from '../../../src/handoff/record/memory-handoff-store';
import { agentsServing, readQueuesNow, type ServingAgent } from '../../../src/handoff/waiting-room/queues-now';
import { ManualClock } from '../../support/manual-clock';

const MIN = 60_000;
const AGENTS: ServingAgent[] = [
  { id: 'li', tiers: ['tier1'] },
  { id: 'wang', tiers: ['tier1', 'tier2'] },
  { id: 'zhao', tiers: ['tier2'] },
  { id: 'away', tiers: ['tier1'] },
];

function entry(callSid: string, queue: 'tier1' | 'tier2', enqueuedAt: number): HandoffEntry {
  return { callSid, queue, from: '+8613800000001', dialable: true, language: 'zh-CN', identityLevel: 0, intent: 'main', priority: 'normal', enqueuedAt };
}

describe('the agents serving a queue now', () => {
  const duty = (overrides: Partial<Parameters<typeof agentsServing>[2]> = {}) => ({
    available: new Set(['li', 'wang', 'zhao']),
    busyForMs: new Map([['li', 2 * MIN]]),
    waiting: {},
    ...overrides,
  });

  it('those who serve it and are available, each free or busy for so long', () => {
    expect(agentsServing('tier1', AGENTS, duty())).toEqual([{ busyForMs: 2 * MIN }, { busyForMs: null }]);
    expect(agentsServing('tier2', AGENTS, duty())).toEqual([{ busyForMs: null }, { busyForMs: null }]);
  });

  it('an agent who went away finishes their call but serves nobody after it', () => {
    expect(agentsServing('tier1', AGENTS, duty({ available: new Set(['wang']), busyForMs: new Map([['li', 2 * MIN]]) }))).toEqual([{ busyForMs: null }]);
  });

  it('an agent serving both tiers takes tier2 first: they serve tier1 only while nobody waits in tier2', () => {
    expect(agentsServing('tier1', AGENTS, duty({ waiting: { tier1: 3, tier2: 1 } }))).toEqual([{ busyForMs: 2 * MIN }]);
    expect(agentsServing('tier2', AGENTS, duty({ waiting: { tier1: 3, tier2: 1 } }))).toHaveLength(2);
  });
});

describe('reading the queues now from the stores', () => {
  it('available agents, how long each has talked, and who waits on the line or for a callback', async () => {
    const clock = new ManualClock();
    const records = new HandoffRecords(new MemoryHandoffStore(clock), DEFAULT_HANDOFF_RULES, clock);
    const availability = new MemoryAgentAvailability();
    for (const id of ['li', 'wang', 'zhao']) await availability.set(id, true);
    const start = clock.now();
    for (const [i, callSid] of ['CA-1', 'CA-2', 'CA-3', 'CA-4'].entries()) await records.enqueue(entry(callSid, 'tier1', start + i));
    // li answers CA-1, wang's phone rings for CA-2; CA-3 asks for a callback; CA-4 waits on the line.
    const li = await records.claim('li', ['tier1']);
    if (li.kind !== 'claimed') throw new Error('li took nobody');
    await records.answered(li.record.callSid, li.token);
    expect((await records.claim('wang', ['tier2', 'tier1'])).kind).toBe('claimed');
    await records.requestCallback('CA-3', start + 60 * MIN);
    clock.advance(3 * MIN);

    const queues = await readQueuesNow(AGENTS, availability, records, clock.now(), 10);
    expect(queues.tier1.agents).toEqual([{ busyForMs: 3 * MIN }, { busyForMs: 0 }]);
    expect(queues.tier1.onLine).toEqual([false, true]);
    expect(queues.tier2).toEqual({ agents: [{ busyForMs: 0 }, { busyForMs: null }], onLine: [] });
  });
});

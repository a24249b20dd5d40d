import { parseBusinessHours } from '../../../src/hours/business-hours';
import { MemoryHandoffStore } from '../../../src/handoff/record/memory-handoff-store';
import { HandoffRecords } from '../../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../../src/handoff/record/handoff-rules';
import { MemoryKeyValueStore } from '../../../src/store/memory-key-value-store';
import { AnnouncementMemory, keyValueAnnouncementStore } from '../../../src/handoff/waiting-room/announcement-memory';
import { countAgentsServing, WaitAnnouncer } from '../../../src/handoff/waiting-room/wait-announcer';
import { openAt, WaitSampleLog } from '../../../src/handoff/waiting-room/wait-samples';
import type { HandoffEntry } from '../../../src/handoff/record/handoff-record';

function caller(callSid: string, overrides: Partial<HandoffEntry> = {}): HandoffEntry {
  return {
    callSid, queue: 'tier1', from: '+8613800000001', dialable: true, language: 'zh-CN', identityLevel: 0,
    intent: 'main', priority: 'normal', enqueuedAt: T9, ...overrides,
  };
}

const MIN = 60_000;
const open = openAt(parseBusinessHours('mon-sun 09:00-21:00'), 'Asia/Shanghai');
const T9 = Date.parse('2026-03-10T09:00:00+08:00');

/** The real hand-off records (embedded store), the waiting room on the embedded KeyValueStore, one injected clock. */
function room(agents: { n: number | null }) {
  let now = T9;
  const clock = { now: () => now };
  const records = new HandoffRecords(new MemoryHandoffStore(clock), DEFAULT_HANDOFF_RULES, clock);
  const queue = {
    enqueue: (entry: HandoffEntry) => records.enqueue(entry),
    position: async (callSid: string) => {
      const place = await records.position({ queue: 'tier1', callSid });
      return place && { queue: 'tier1' as const, ...place };
    },
    claim: (agentId: string) => records.claim(agentId, ['tier1']),
    list: (tier: 'tier1') => records.list(tier),
  };
  const log = new WaitSampleLog(open);
  for (let i = 0; i < 10; i += 1) log.recordHandle({ queue: 'tier1', endedAt: T9, handleMs: 6 * MIN });
  const waitingRoom = new WaitAnnouncer({
    samples: log,
    agentsServing: () => agents.n,
    memory: new AnnouncementMemory(keyValueAnnouncementStore(new MemoryKeyValueStore(clock))),
    open,
  });
  const hear = async (callSid: string) => {
    const place = await queue.position(callSid);
    if (!place) throw new Error(`${callSid} is not waiting`);
    return waitingRoom.announce(callSid, place, now);
  };
  return { queue, log, waitingRoom, hear, advance: (ms: number) => (now += ms), now: () => now };
}

describe('the waiting room over the real queue', () => {
  it('a caller at the front with no history (no samples, no agents known) hears no number', async () => {
    const { queue, hear } = room({ n: null });
    await queue.enqueue(caller('CA-1', { enqueuedAt: T9 }));
    const heard = await hear('CA-1');
    expect(heard.speech.map((s) => s.key)).toEqual(['queue.wait.position', 'queue.wait.asSoonAsPossible', 'queue.wait.callbackOffer']);
    expect(heard.speech[0]!.vars).toEqual({ position: 1 });
  });

  it('a position announced after a priority caller joins never goes up', async () => {
    const { queue, hear, advance, now } = room({ n: 3 });
    for (let i = 1; i <= 4; i += 1) await queue.enqueue(caller(`CA-${i}`, { enqueuedAt: T9 + i }));
    const first = await hear('CA-4');
    expect(first.decision.announcement.position).toBe(4);
    advance(MIN);
    await queue.enqueue(caller('CA-fraud', { priority: 'urgent', enqueuedAt: now() }));
    expect((await queue.position('CA-4'))!.position).toBe(5);
    const second = await hear('CA-4');
    expect(second.speech.map((s) => s.key)).toEqual(['queue.wait.stillInLine', 'queue.wait.callbackOffer']);
    // The fraud caller and then two more are answered: position 3, lower than told, is said again.
    for (const agent of ['a1', 'a2', 'a3']) await queue.claim(agent);
    advance(MIN);
    const third = await hear('CA-4');
    expect(third.decision.announcement.position).toBe(2);
    const positions = [first, second, third].flatMap((h) => (h.decision.announcement.position === null ? [] : [h.decision.announcement.position]));
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
  });

  it('estimates are non-decreasing with position for callers waiting at the same moment', async () => {
    const { queue, hear, log, advance, now } = room({ n: 4 });
    for (let i = 0; i < 12; i += 1) {
      advance(MIN);
      log.recordAnswer({ queue: 'tier1', answeredAt: now(), waitedMs: 3 * MIN, callbackRequested: false });
    }
    for (let i = 1; i <= 20; i += 1) await queue.enqueue(caller(`CA-${i}`, { enqueuedAt: now() + i, priority: i % 7 === 0 ? 'urgent' : 'normal' }));
    const listed = await queue.list('tier1');
    const told: number[] = [];
    for (const call of listed) told.push((await hear(call.callSid)).decision.announcement.estimateMs!);
    expect(told.every((ms) => ms > 0)).toBe(true);
    expect(told).toEqual([...told].sort((a, b) => a - b));
  });

  it('agents leaving between two announcements: the caller is told the wait has grown', async () => {
    const agents = { n: 6 as number | null };
    const { queue, hear, log, advance, now } = room(agents);
    advance(60 * MIN); // 10:00: every wait of the window began in open hours
    for (let i = 0; i < 30; i += 1) {
      advance(MIN);
      log.recordAnswer({ queue: 'tier1', answeredAt: now(), waitedMs: 3 * MIN, callbackRequested: false });
    }
    await queue.enqueue(caller('CA-1', { enqueuedAt: now() }));
    for (let i = 2; i <= 10; i += 1) await queue.enqueue(caller(`CA-${i}`, { enqueuedAt: now() + i }));
    const before = await hear('CA-10');
    expect(before.decision.announcement.estimateMs).toBe(9.5 * MIN);
    advance(MIN);
    agents.n = 1;
    const after = await hear('CA-10');
    expect(after.decision.rule).toBe('grown-agents-left');
    expect(after.speech.map((s) => s.key)).toContain('queue.wait.grown');
  });

  it('counts agents serving a queue: available or busy, and serving that tier', () => {
    const agents = [
      { id: 'li', tiers: ['tier1' as const] },
      { id: 'wang', tiers: ['tier1' as const, 'tier2' as const] },
      { id: 'zhao', tiers: ['tier2' as const] },
      { id: 'away', tiers: ['tier1' as const] },
    ];
    expect(countAgentsServing('tier1', agents, ['li'], ['wang'])).toBe(2);
    expect(countAgentsServing('tier2', agents, ['li', 'zhao'], ['wang'])).toBe(2);
    expect(countAgentsServing('tier1', agents, [], [])).toBe(0);
  });
});

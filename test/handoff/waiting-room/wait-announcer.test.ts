import { parseBusinessHours } from '../../../src/hours/business-hours';
import { MemoryHandoffStore } from '../../../src/handoff/record/memory-handoff-store';
import { HandoffRecords } from '../../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../../src/handoff/record/handoff-rules';
import { MemoryKeyValueStore } from '../../../src/store/memory-key-value-store';
import { AnnouncementMemory, keyValueAnnouncementStore } from '../../../src/handoff/waiting-room/announcement-memory';
import { WaitAnnouncer } from '../../../src/handoff/waiting-room/wait-announcer';
import type { AgentNow } from '../../../src/handoff/waiting-room/wait-estimator';
import { openAt, WaitSampleLog } from '../../../src/handoff/waiting-room/wait-samples';
import type { HandoffEntry } from '../../../src/handoff/record/handoff-record';

const MIN = 60_000;
const open = openAt(parseBusinessHours('mon-sun 09:00-21:00'), 'Asia/Shanghai');
const T9 = Date.parse('2026-03-10T09:00:00+08:00');

function caller(callSid: string, overrides: Partial<HandoffEntry> = {}): HandoffEntry {
  return {
    callSid, queue: 'tier1', from: '+8613800000001', dialable: true, language: 'zh-CN', identityLevel: 0,
    intent: 'main', priority: 'normal', enqueuedAt: T9, ...overrides,
  };
}

/**
 * The real hand-off records (embedded store), the waiting room on the embedded KeyValueStore, one
 * injected clock; `agents.now` are the agents serving tier1 (null: unknown), as queues-now.ts reads them.
 */
function room(agents: { now: AgentNow[] | null }, options: { talkTimes?: boolean; reuseMs?: number } = {}) {
  let now = T9;
  const clock = { now: () => now };
  const records = new HandoffRecords(new MemoryHandoffStore(clock), DEFAULT_HANDOFF_RULES, clock);
  const log = new WaitSampleLog(open);
  if (options.talkTimes !== false) for (let i = 0; i < 10; i += 1) log.recordHandle({ queue: 'tier1', endedAt: T9, handleMs: 6 * MIN });
  let reads = 0;
  const announcer = new WaitAnnouncer({
    samples: log,
    queuesNow: async () => {
      reads += 1;
      const onLine = (await records.list('tier1')).map((record) => record.state === 'waiting');
      return agents.now === null ? {} : { tier1: { agents: agents.now, onLine } };
    },
    memory: new AnnouncementMemory(keyValueAnnouncementStore(new MemoryKeyValueStore(clock))),
    reuseMs: options.reuseMs ?? 0,
  });
  const hear = async (callSid: string) => {
    const place = await records.position({ queue: 'tier1', callSid });
    if (!place) throw new Error(`${callSid} is not waiting`);
    return announcer.announce(callSid, { queue: 'tier1', position: place.position }, now);
  };
  return { records, log, hear, advance: (ms: number) => (now += ms), now: () => now, reads: () => reads };
}
const busy = (count: number, talkedMs = 0): AgentNow[] => Array.from({ length: count }, () => ({ busyForMs: talkedMs }));

describe('the waiting room over the real queue', () => {
  it('a caller at the front with no history hears no number: no agent known, or no talk time yet', async () => {
    for (const { agents, talkTimes } of [{ agents: null, talkTimes: true }, { agents: busy(3), talkTimes: false }]) {
      const { records, hear } = room({ now: agents }, { talkTimes });
      await records.enqueue(caller('CA-1'));
      const heard = await hear('CA-1');
      expect(heard.speech.map((s) => s.key)).toEqual(['queue.wait.position', 'queue.wait.asSoonAsPossible', 'queue.wait.callbackOffer']);
      expect(heard.speech[0]!.vars).toEqual({ position: 1 });
    }
  });

  it('a position announced after a priority caller joins never goes up', async () => {
    const { records, hear, advance, now } = room({ now: busy(3) });
    for (let i = 1; i <= 4; i += 1) await records.enqueue(caller(`CA-${i}`, { enqueuedAt: T9 + i }));
    const first = await hear('CA-4');
    expect(first.decision.announcement.position).toBe(4);
    advance(MIN);
    await records.enqueue(caller('CA-fraud', { priority: 'urgent', enqueuedAt: now() }));
    expect((await records.position({ queue: 'tier1', callSid: 'CA-4' }))!.position).toBe(5);
    const second = await hear('CA-4');
    expect(second.speech.map((s) => s.key)).toEqual(['queue.wait.stillInLine', 'queue.wait.callbackOffer']);
    // The fraud caller and then two more are answered: position 2, lower than told, is said again.
    for (const agent of ['a1', 'a2', 'a3']) await records.claim(agent, ['tier1']);
    advance(MIN);
    const third = await hear('CA-4');
    expect(third.decision.announcement.position).toBe(2);
    const positions = [first, second, third].flatMap((h) => (h.decision.announcement.position === null ? [] : [h.decision.announcement.position]));
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
  });

  it('estimates are non-decreasing with position for callers waiting at the same moment', async () => {
    const { records, hear, log, now } = room({ now: [...busy(2, 2 * MIN), ...busy(2, 5 * MIN)] });
    for (let i = 0; i < 30; i += 1) log.recordAnswer({ queue: 'tier1', answeredAt: now() - i * 1000, waitedMs: 3 * MIN, callbackRequested: false });
    for (let i = 1; i <= 20; i += 1) await records.enqueue(caller(`CA-${i}`, { enqueuedAt: now() + i, priority: i % 7 === 0 ? 'urgent' : 'normal' }));
    const listed = await records.list('tier1');
    const told: number[] = [];
    for (const call of listed) told.push((await hear(call.callSid)).decision.announcement.estimateMs!);
    expect(told.every((ms) => ms > 0)).toBe(true);
    expect(told).toEqual([...told].sort((a, b) => a - b));
  });

  it('agents leaving between two announcements: the caller is told the wait has grown', async () => {
    const agents = { now: busy(6) as AgentNow[] | null };
    const { records, hear, advance } = room(agents);
    advance(60 * MIN);
    for (let i = 1; i <= 10; i += 1) await records.enqueue(caller(`CA-${i}`, { enqueuedAt: T9 + 60 * MIN + i }));
    const before = await hear('CA-10');
    // Six agents of six minutes (and 45 s ± half between callers): the tenth caller is in the second round.
    expect(before.decision.announcement.estimateMs).toBeGreaterThanOrEqual(2 * (6 * MIN + 22_500));
    expect(before.decision.announcement.estimateMs).toBeLessThanOrEqual(2 * (6 * MIN + 67_500));
    advance(MIN);
    agents.now = busy(1);
    const after = await hear('CA-10');
    expect(after.decision.rule).toBe('grown-agents-left');
    expect(after.speech.map((s) => s.key)).toContain('queue.wait.grown');
  });

  it("the queue's figures are read once per second however many callers wait", async () => {
    const { records, hear, advance, reads } = room({ now: busy(2) }, { reuseMs: 1000 });
    for (let i = 1; i <= 5; i += 1) await records.enqueue(caller(`CA-${i}`, { enqueuedAt: T9 + i }));
    for (let i = 1; i <= 5; i += 1) await hear(`CA-${i}`);
    expect(reads()).toBe(1);
    advance(999);
    await hear('CA-1');
    expect(reads()).toBe(1);
    advance(1);
    await hear('CA-1');
    expect(reads()).toBe(2);
  });
});

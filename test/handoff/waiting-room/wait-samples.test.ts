import { parseBusinessHours } from '../../../src/hours/business-hours';
import {
  countsAsSample,
  decodeSample,
  encodeSample,
  openAt,
  openSince,
  recentWaitSamples,
  WaitSampleLog,
  type AnsweredCall,
} from '../../../src/handoff/waiting-room/wait-samples';

const open = openAt(parseBusinessHours('mon-sun 09:00-21:00'), 'Asia/Shanghai');
/** Tuesday 2026-03-10, local time in Shanghai. */
const at = (clock: string, day = 10) => Date.parse(`2026-03-${String(day).padStart(2, '0')}T${clock}:00+08:00`);
const MIN = 60_000;

const answered = (overrides: Partial<AnsweredCall> = {}): AnsweredCall => ({
  queue: 'tier1',
  answeredAt: at('10:00'),
  waitedMs: 4 * MIN,
  callbackRequested: false,
  ...overrides,
});

describe('which answered calls are wait samples', () => {
  it('a live caller answered within business hours counts', () => {
    expect(countsAsSample(answered(), open)).toBe(true);
  });

  it('a callback request never counts, even one made and answered in open hours', () => {
    expect(countsAsSample(answered({ callbackRequested: true }), open)).toBe(false);
  });

  it('an overnight callback answered in the morning does not count (661 minutes is the night)', () => {
    const answeredAt = at('09:05', 11);
    expect(countsAsSample(answered({ answeredAt, waitedMs: answeredAt - at('22:04'), callbackRequested: true }), open)).toBe(false);
    // Even if the flag were lost, the wait spanned closed hours.
    expect(countsAsSample(answered({ answeredAt, waitedMs: answeredAt - at('20:59'), callbackRequested: false }), open)).toBe(false);
  });

  it('a wait that started before opening or ended after closing does not count', () => {
    expect(countsAsSample(answered({ answeredAt: at('09:03'), waitedMs: 5 * MIN }), open)).toBe(false);
    expect(countsAsSample(answered({ answeredAt: at('21:02'), waitedMs: 5 * MIN }), open)).toBe(false);
    expect(countsAsSample(answered({ answeredAt: at('20:59'), waitedMs: 5 * MIN }), open)).toBe(true);
  });

  it('a wait across a midday closure does not count, though both ends are open', () => {
    const split = openAt(parseBusinessHours('mon-sun 09:00-12:00,13:00-18:00'), 'Asia/Shanghai');
    expect(countsAsSample(answered({ answeredAt: at('13:10'), waitedMs: 80 * MIN }), split)).toBe(false);
    expect(countsAsSample(answered({ answeredAt: at('13:10'), waitedMs: 9 * MIN }), split)).toBe(true);
  });

  it('nonsense waits do not count', () => {
    expect(countsAsSample(answered({ waitedMs: -1 }), open)).toBe(false);
    expect(countsAsSample(answered({ waitedMs: Number.NaN }), open)).toBe(false);
    expect(countsAsSample(answered({ answeredAt: at('20:00'), waitedMs: 5 * 60 * MIN }), open)).toBe(false);
  });
});

describe('the sliding window', () => {
  it('keeps samples of the queue within the last 30 minutes only', () => {
    const now = at('11:00');
    const samples = [
      { queue: 'tier1' as const, answeredAt: now - 31 * MIN, waitedMs: 1 },
      { queue: 'tier1' as const, answeredAt: now - 29 * MIN, waitedMs: 2 },
      { queue: 'tier2' as const, answeredAt: now - 1 * MIN, waitedMs: 3 },
      { queue: 'tier1' as const, answeredAt: now + 1, waitedMs: 4 },
    ];
    expect(recentWaitSamples(samples, 'tier1', now).map((s) => s.waitedMs)).toEqual([2]);
  });

  it('the log drops what left the window and refuses what the rule leaves out', () => {
    const log = new WaitSampleLog(open);
    expect(log.recordAnswer(answered({ answeredAt: at('10:00') }))).toBe(true);
    expect(log.recordAnswer(answered({ answeredAt: at('10:20'), callbackRequested: true }))).toBe(false);
    expect(log.recordAnswer(answered({ answeredAt: at('10:25') }))).toBe(true);
    expect(log.recent('tier1', at('10:26'))).toHaveLength(2);
    expect(log.recent('tier1', at('10:45'))).toHaveLength(1);
    expect(log.recent('tier2', at('10:45'))).toHaveLength(0);
    // The callback is no sample, but it moved the line in open hours.
    expect(log.otherAnswers('tier1', at('10:26'))).toEqual([at('10:20')]);
    expect(log.otherAnswers('tier1', at('10:51'))).toEqual([]);
  });

  it('the log keeps the last talk times per queue', () => {
    const log = new WaitSampleLog(open, 30 * MIN, 3);
    for (const ms of [1, 2, 3, 4]) log.recordHandle({ queue: 'tier1', endedAt: at('10:00'), handleMs: ms * MIN });
    log.recordHandle({ queue: 'tier2', endedAt: at('10:00'), handleMs: 9 * MIN });
    log.recordHandle({ queue: 'tier2', endedAt: at('10:00'), handleMs: 0 });
    expect(log.handleTimesMs('tier1')).toEqual([2 * MIN, 3 * MIN, 4 * MIN]);
    expect(log.handleTimesMs('tier2')).toEqual([9 * MIN]);
  });

  it('openSince is the opening time in the first half hour of the day, the window start later', () => {
    expect(openSince(at('09:10'), open)).toBe(at('09:00'));
    expect(openSince(at('09:00'), open)).toBe(at('09:00'));
    expect(openSince(at('11:00'), open)).toBe(at('10:30'));
  });

  it('samples round-trip through the Redis list format', () => {
    const sample = { queue: 'tier2' as const, answeredAt: at('10:00'), waitedMs: 61_000 };
    expect(decodeSample('tier2', encodeSample(sample))).toEqual(sample);
    expect(decodeSample('tier1', 'garbage')).toBeNull();
    expect(decodeSample('tier1', '1:2:3')).toBeNull();
  });
});

import { parseBusinessHours } from '../../../src/hours/business-hours';
import {
  countsAsSample,
  decodeSample,
  encodeSample,
  hangUpOf,
  openAt,
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

describe('which hang-ups are samples of patience', () => {
  it('a live caller who hung up after waiting in open hours counts; a wait across the night does not', () => {
    expect(hangUpOf({ queue: 'tier1', hungUpAt: at('10:00'), waitedMs: 6 * MIN }, open)).toEqual({ queue: 'tier1', hungUpAt: at('10:00'), waitedMs: 6 * MIN });
    expect(hangUpOf({ queue: 'tier1', hungUpAt: at('09:05'), waitedMs: 30 * MIN }, open)).toBeNull();
    expect(hangUpOf({ queue: 'tier1', hungUpAt: at('10:00'), waitedMs: -1 }, open)).toBeNull();
  });
});

describe('the log of samples', () => {
  it('keeps what the rules let in, per queue', () => {
    const log = new WaitSampleLog(open);
    expect(log.recordAnswer(answered({ answeredAt: at('10:00') }))).toBe(true);
    expect(log.recordAnswer(answered({ answeredAt: at('10:20'), callbackRequested: true }))).toBe(false);
    expect(log.recordAnswer(answered({ queue: 'tier2', answeredAt: at('10:25') }))).toBe(true);
    expect(log.recordHangUp({ queue: 'tier1', hungUpAt: at('10:30'), waitedMs: 3 * MIN })).toBe(true);
    expect(log.recordHangUp({ queue: 'tier1', hungUpAt: at('09:01'), waitedMs: 3 * MIN })).toBe(false);
    const tier1 = log.figures('tier1');
    expect(tier1.samples.map((s) => s.answeredAt)).toEqual([at('10:00')]);
    expect(tier1.hangUps.map((h) => h.hungUpAt)).toEqual([at('10:30')]);
    expect(log.figures('tier2').samples).toHaveLength(1);
  });

  it('keeps the newest of each kind per queue, as the stored lists do', () => {
    const log = new WaitSampleLog(open, 3);
    for (const ms of [1, 2, 3, 4]) log.recordHandle({ queue: 'tier1', endedAt: at('10:00'), handleMs: ms * MIN });
    log.recordHandle({ queue: 'tier2', endedAt: at('10:00'), handleMs: 9 * MIN });
    log.recordHandle({ queue: 'tier2', endedAt: at('10:00'), handleMs: 0 });
    for (const minute of ['10:01', '10:02', '10:03', '10:04']) log.recordAnswer(answered({ answeredAt: at(minute) }));
    expect(log.figures('tier1').handleTimesMs).toEqual([2 * MIN, 3 * MIN, 4 * MIN]);
    expect(log.figures('tier2').handleTimesMs).toEqual([9 * MIN]);
    expect(log.figures('tier1').samples.map((s) => s.answeredAt)).toEqual([at('10:02'), at('10:03'), at('10:04')]);
  });

  it('samples round-trip through the Redis list format', () => {
    const sample = { queue: 'tier2' as const, answeredAt: at('10:00'), waitedMs: 61_000 };
    expect(decodeSample('tier2', encodeSample(sample))).toEqual(sample);
    expect(decodeSample('tier1', 'garbage')).toBeNull();
    expect(decodeSample('tier1', '1:2:3')).toBeNull();
  });
});

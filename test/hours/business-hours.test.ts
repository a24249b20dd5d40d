import {
  businessHoursSchema,
  endOfNextBusinessDay,
  describeBusinessHours,
  isOpen,
  isValidTimeZone,
  parseBusinessHours,
} from '../../src/hours/business-hours';

describe('business hours', () => {
  const hours = parseBusinessHours('mon-fri 09:00-21:00; sat-sun 10:00-18:00');

  it('parses days, ranges and times into minutes', () => {
    expect(hours).toEqual([
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], opens: 540, closes: 1260 },
      { days: ['sat', 'sun'], opens: 600, closes: 1080 },
    ]);
    expect(parseBusinessHours('Fri-Mon 00:00-24:00;')).toEqual([
      { days: ['mon', 'fri', 'sat', 'sun'], opens: 0, closes: 1440 },
    ]);
    expect(parseBusinessHours('mon,wed 09:00-12:00,13:30-18:00')).toEqual([
      { days: ['mon', 'wed'], opens: 540, closes: 720 },
      { days: ['mon', 'wed'], opens: 810, closes: 1080 },
    ]);
  });

  it.each([
    ['', /no opening hours/],
    ['mon-fry 09:00-21:00', /unknown day "fry"/],
    ['mon-fri 9:00-21:00', /bad time "9:00"/],
    ['mon-fri 09:00-25:00', /bad time "25:00"/],
    ['mon-fri 09:60-21:00', /bad time "09:60"/],
    ['mon-fri 21:00-09:00', /closes before it opens/],
    ['mon-fri', /must be "<days> <HH:MM-HH:MM>"/],
    ['mon- 09:00-10:00', /bad days "mon-"/],
    ['mon 09:00', /bad time range "09:00"/],
  ])('rejects %j with a clear message', (text, message) => {
    expect(() => parseBusinessHours(text)).toThrow(message);
  });

  it('reports problems as zod issues for the configuration schema', () => {
    const result = businessHoursSchema.safeParse('mon-fry 09:00-21:00');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/unknown day "fry"/);
    expect(businessHoursSchema.parse('mon 09:00-10:00')).toHaveLength(1);
  });

  it('opens and closes on Shanghai time by default (UTC+8, no DST)', () => {
    // Monday 2024-01-08 in Shanghai.
    expect(isOpen(new Date('2024-01-08T00:59:59Z'), hours)).toBe(false);
    expect(isOpen(new Date('2024-01-08T01:00:00Z'), hours)).toBe(true);
    expect(isOpen(new Date('2024-01-08T12:59:59Z'), hours)).toBe(true);
    expect(isOpen(new Date('2024-01-08T13:00:00Z'), hours)).toBe(false);
    // Saturday 2024-01-13: 10:00 opens; Friday 23:30 UTC is already Saturday 07:30 there.
    expect(isOpen(new Date('2024-01-13T02:00:00Z'), hours)).toBe(true);
    expect(isOpen(new Date('2024-01-12T23:30:00Z'), hours)).toBe(false);
    // Sunday 2024-01-14 closes at 18:00 (10:00 UTC).
    expect(isOpen(new Date('2024-01-14T09:59:00Z'), hours)).toBe(true);
    expect(isOpen(new Date('2024-01-14T10:00:00Z'), hours)).toBe(false);
  });

  it('follows daylight saving time in America/New_York', () => {
    const office = parseBusinessHours('mon-fri 09:00-17:00');
    const newYork = 'America/New_York';
    // Friday 2024-03-08, EST (UTC−5).
    expect(isOpen(new Date('2024-03-08T13:59:00Z'), office, newYork)).toBe(false);
    expect(isOpen(new Date('2024-03-08T14:00:00Z'), office, newYork)).toBe(true);
    // Monday 2024-03-11, EDT (UTC−4) since Sunday.
    expect(isOpen(new Date('2024-03-11T12:59:00Z'), office, newYork)).toBe(false);
    expect(isOpen(new Date('2024-03-11T13:00:00Z'), office, newYork)).toBe(true);
    expect(isOpen(new Date('2024-03-11T20:59:00Z'), office, newYork)).toBe(true);
    expect(isOpen(new Date('2024-03-11T21:00:00Z'), office, newYork)).toBe(false);
    // Saturday 2024-03-09 01:00 in Shanghai is still Friday 12:00 in New York.
    expect(isOpen(new Date('2024-03-08T17:00:00Z'), office, newYork)).toBe(true);
  });

  it('validates timezones', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('describes the hours as consecutive day spans for prompts', () => {
    expect(describeBusinessHours(hours)).toEqual([
      { firstDay: 'mon', lastDay: 'fri', opens: '09:00', closes: '21:00' },
      { firstDay: 'sat', lastDay: 'sun', opens: '10:00', closes: '18:00' },
    ]);
    expect(describeBusinessHours(parseBusinessHours('mon,tue,thu 08:30-24:00'))).toEqual([
      { firstDay: 'mon', lastDay: 'tue', opens: '08:30', closes: '24:00' },
      { firstDay: 'thu', lastDay: 'thu', opens: '08:30', closes: '24:00' },
    ]);
  });
});

describe('endOfNextBusinessDay', () => {
  const hours = parseBusinessHours('mon-fri 09:00-21:00');
  const at = (iso: string) => Date.parse(iso);

  it('is the closing time of the next day that opens (Wednesday → Thursday 21:00 in Shanghai)', () => {
    expect(endOfNextBusinessDay(at('2026-11-25T10:00:00+08:00'), hours, 'Asia/Shanghai')).toBe(at('2026-11-26T21:00:00+08:00'));
  });

  it('skips the week-end: Friday night → Monday 21:00', () => {
    expect(endOfNextBusinessDay(at('2026-11-27T23:00:00+08:00'), hours, 'Asia/Shanghai')).toBe(at('2026-11-30T21:00:00+08:00'));
  });

  it('counts days in the configured time zone, not UTC (Thursday 01:00 in Shanghai is still Wednesday in UTC)', () => {
    expect(endOfNextBusinessDay(at('2026-11-26T01:00:00+08:00'), hours, 'Asia/Shanghai')).toBe(at('2026-11-27T21:00:00+08:00'));
  });

  it('without opening hours: a week', () => {
    const now = at('2026-11-25T10:00:00+08:00');
    expect(endOfNextBusinessDay(now, [], 'Asia/Shanghai')).toBe(now + 7 * 24 * 3600_000);
  });
});

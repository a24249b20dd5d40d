import { z } from 'zod';

/**
 * When agents are on duty (SPEC §4: outside them callers are told the hours and offered a
 * callback or an SMS). Written as `BUSINESS_HOURS`, e.g. `mon-fri 09:00-21:00; sat-sun 10:00-18:00`:
 *   rules    `;`-separated, each `<days> <times>`
 *   days     `,`-separated days (mon … sun) or ranges (`mon-fri`; `fri-mon` wraps over the week-end)
 *   times    `,`-separated `HH:MM-HH:MM` ranges within one day, 00:00 ≤ opens < closes ≤ 24:00
 * Hours are local to a configurable IANA timezone, default Asia/Shanghai.
 */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OpeningRule {
  days: Weekday[];
  /** Minutes after local midnight. */
  opens: number;
  /** Minutes after local midnight, exclusive; 1440 for 24:00. */
  closes: number;
}

export type BusinessHours = readonly OpeningRule[];

export class BusinessHoursError extends Error {
  constructor(text: string, problem: string) {
    super(`invalid business hours "${text}": ${problem}`);
    this.name = 'BusinessHoursError';
  }
}

function parseDay(text: string, word: string): number {
  const index = WEEKDAYS.indexOf(word as Weekday);
  if (index < 0) throw new BusinessHoursError(text, `unknown day "${word}" (use ${WEEKDAYS.join(', ')})`);
  return index;
}

function parseDays(text: string, spec: string): Weekday[] {
  const days = new Set<Weekday>();
  for (const item of spec.split(',')) {
    const [first, last, extra] = item.split('-');
    if (!first || extra !== undefined || last === '') throw new BusinessHoursError(text, `bad days "${item}"`);
    const start = parseDay(text, first);
    const end = last === undefined ? start : parseDay(text, last);
    for (let day = start; ; day = (day + 1) % 7) {
      days.add(WEEKDAYS[day]!);
      if (day === end) break;
    }
  }
  return WEEKDAYS.filter((day) => days.has(day));
}

function parseClock(text: string, clock: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(clock);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || Number(match[2]) > 59 || minutes > 1440) {
    throw new BusinessHoursError(text, `bad time "${clock}" (use HH:MM, 00:00 to 24:00)`);
  }
  return minutes;
}

function parseRule(text: string, rule: string): OpeningRule[] {
  const [days, times, extra] = rule.split(/\s+/);
  if (!days || !times || extra !== undefined) {
    throw new BusinessHoursError(text, `rule "${rule}" must be "<days> <HH:MM-HH:MM>"`);
  }
  const weekdays = parseDays(text, days);
  return times.split(',').map((range) => {
    const [from, to, more] = range.split('-');
    if (!from || !to || more !== undefined) throw new BusinessHoursError(text, `bad time range "${range}"`);
    const opens = parseClock(text, from);
    const closes = parseClock(text, to);
    if (closes <= opens) {
      throw new BusinessHoursError(text, `"${range}" closes before it opens (split overnight hours into two rules)`);
    }
    return { days: weekdays, opens, closes };
  });
}

export function parseBusinessHours(text: string): BusinessHours {
  const rules = text
    .toLowerCase()
    .split(';')
    .map((rule) => rule.trim())
    .filter((rule) => rule !== '');
  if (rules.length === 0) throw new BusinessHoursError(text, 'no opening hours given');
  return rules.flatMap((rule) => parseRule(text, rule));
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** For the configuration schema: the variable's text in, parsed hours out, zod issues on error. */
export const businessHoursSchema = z.string().transform((text, context) => {
  try {
    return parseBusinessHours(text);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export const timeZoneSchema = z.string().refine(isValidTimeZone, { message: 'unknown IANA timezone' });

/** Formatters are costly to build; one per timezone serves every call. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(date: Date, timeZone: string): { day: Weekday; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  return {
    day: String(parts.weekday).toLowerCase().slice(0, 3) as Weekday,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

export function isOpen(date: Date, hours: BusinessHours, timeZone: string = DEFAULT_TIMEZONE): boolean {
  const { day, minute } = localTime(date, timeZone);
  return hours.some((rule) => rule.days.includes(day) && minute >= rule.opens && minute < rule.closes);
}

/** One line of a spoken "our hours are …": consecutive days sharing the same hours. */
export interface OpeningSpan {
  firstDay: Weekday;
  lastDay: Weekday;
  /** `HH:MM`, local time. */
  opens: string;
  closes: string;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Structured text for prompts; the prompt layer words it in the caller's language. */
export function describeBusinessHours(hours: BusinessHours): OpeningSpan[] {
  return hours.flatMap((rule) => {
    const spans: OpeningSpan[] = [];
    for (const day of rule.days) {
      const last = spans[spans.length - 1];
      const span = { firstDay: day, lastDay: day, opens: clock(rule.opens), closes: clock(rule.closes) };
      if (last && WEEKDAYS.indexOf(day) === WEEKDAYS.indexOf(last.lastDay) + 1) last.lastDay = day;
      else spans.push(span);
    }
    return spans;
  });
}

const STEP_MS = 15 * 60_000;
const WEEK_MS = 7 * 24 * 3600_000;

/**
 * When a callback request made at `now` expires (SPEC §4.1): the end of the next business day —
 * the last open moment of the first local day after today that has opening hours. Without any
 * opening hours, a week from now.
 */
export function endOfNextBusinessDay(now: number, hours: BusinessHours, timeZone: string = DEFAULT_TIMEZONE): number {
  const today = localDate(new Date(now), timeZone);
  let day: string | null = null;
  let lastOpen: number | null = null;
  for (let at = now; at <= now + WEEK_MS + 24 * 3600_000; at += STEP_MS) {
    const date = localDate(new Date(at), timeZone);
    if (day !== null && date !== day) break;
    if (date !== today && isOpen(new Date(at), hours, timeZone)) {
      day = date;
      lastOpen = at;
    }
  }
  return lastOpen === null ? now + WEEK_MS : lastOpen + STEP_MS;
}

/** The local day of `date` in `timeZone`, YYYY-MM-DD. */
export function localDate(date: Date, timeZone: string): string {
  return date.toLocaleDateString('en-CA', { timeZone });
}

import type { CallRecordView } from './call-record-view';

/** A UTF-8 byte order mark first, so spreadsheet programs read the Chinese in notes and intents. */
export const CSV_BOM = '\uFEFF';

const COLUMNS: Array<[header: string, value: (record: CallRecordView) => string | number | boolean | null]> = [
  ['callSid', (r) => r.callSid],
  ['startedAt', (r) => r.startedAt],
  ['endedAt', (r) => r.endedAt],
  ['caller', (r) => r.caller],
  ['language', (r) => r.language],
  ['outcome', (r) => r.outcome],
  ['intent', (r) => r.intent],
  ['identityLevel', (r) => r.identityLevel],
  ['journey', (r) => r.journey.join(' > ')],
  ['selfService', (r) => r.selfService.map((item) => [item.kind, item.ref, item.detail].filter(Boolean).join(' ')).join('; ')],
  ['queue', (r) => r.handoff?.queue ?? null],
  ['waitedSeconds', (r) => r.handoff?.waitedSeconds ?? null],
  ['agentId', (r) => r.handoff?.agentId ?? null],
  ['talkSeconds', (r) => r.handoff?.talkSeconds ?? null],
  ['escalated', (r) => r.handoff?.escalated ?? null],
  ['callbackRequested', (r) => r.handoff?.callbackRequested ?? null],
  ['wrapUpNote', (r) => r.wrapUp?.note ?? null],
  ['wrapUpResolved', (r) => r.wrapUp?.resolved ?? null],
  ['survey', (r) => r.survey],
];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled.
 * Text that a spreadsheet would run as a formula (= + - @ at the start) is prefixed with `'`.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = `${COLUMNS.map(([header]) => header).join(',')}\r\n`;

export function csvRow(record: CallRecordView): string {
  return `${COLUMNS.map(([, value]) => csvField(value(record))).join(',')}\r\n`;
}

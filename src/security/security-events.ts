import type { Logger } from 'pino';

/**
 * The kinds of security event the hotline reports (SPEC §3): each is counted in
 * `hotline_security_events_total{kind}` and logged at warn with the CallSid when there is one.
 */
export const SECURITY_EVENT_KINDS = [
  'pin-lockout',
  'code-lockout',
  'velocity-refused',
  'sms-refused',
  'signature-failure',
  'demo-token',
  'agent-login-failure',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

/** What is said of an event: never a PIN, code, token or full number (the logger redacts those keys anyway). */
export interface SecurityEventDetails {
  callSid?: string;
  reason?: string;
  [key: string]: string | number | boolean | undefined;
}

export interface SecurityEvents {
  record(kind: SecurityEventKind, details?: SecurityEventDetails): void;
}

/** Logs each event at warn and hands it to `count` (the metrics). */
export function securityEvents(log: Logger, count: (kind: SecurityEventKind) => void): SecurityEvents {
  return {
    record(kind, details = {}) {
      count(kind);
      log.warn({ ...details, securityEvent: kind, event: 'security' }, `security event: ${kind}`);
    },
  };
}

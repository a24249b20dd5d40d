import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * What callers type or say, and who they are, never reaches the logs: keys, speech, numbers,
 * PINs, codes and credentials are censored wherever they appear in a logged object.
 */
export const REDACTED_PATHS = [
  'Digits',
  'SpeechResult',
  'From',
  'Caller',
  'pin',
  'code',
  'token',
  '*.Digits',
  '*.SpeechResult',
  '*.From',
  '*.Caller',
  '*.pin',
  '*.code',
  '*.token',
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
];

/** Fastify's request line (method, URL, host, address), with a `?token=` (the agents' event stream) censored. */
function requestLine(request: { method?: string; url?: string; host?: string; ip?: string }) {
  return {
    method: request.method,
    url: request.url?.replace(/([?&]token=)[^&]*/gi, '$1[redacted]'),
    host: request.host,
    remoteAddress: request.ip,
  };
}

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, serializers: { req: requestLine } };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

/** A phone number as logs and agents may see it: country code and last four digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return '****';
  return `${phone.startsWith('+') ? '+' : ''}${digits.slice(0, 2)}*****${digits.slice(-4)}`;
}

/**
 * Twilio's refusals as data. Every failure of a REST request (an SMS, a call update, an outbound
 * call) is one of three things, and `classifyTwilioError` is the one place that decides which:
 *
 * - **terminal**: Twilio refused this request for good (the call is over, the number is invalid,
 *   unreachable or not permitted). Retrying never helps; a hand-off closes the record at once.
 * - **transient**: Twilio or the network failed (HTTP 5xx, 429, 408, a reset socket, a timeout).
 *   The same request may well succeed a moment later.
 * - neither: any other refusal (e.g. 20003 bad credentials, 21604 missing body). Retrying the same
 *   request will not help, but nothing says the call or number is at fault, so no record is closed
 *   on its account. It is logged and reported to the caller as a failure.
 */

/**
 * Refusals that retrying never helps, from Twilio's error dictionary (https://www.twilio.com/docs/api/errors/<code>)
 * and its test-credential magic numbers (https://www.twilio.com/docs/iam/test-credentials):
 */
export const TERMINAL_TWILIO_CODES: ReadonlyMap<number, string> = new Map([
  // "You attempted to access a resource that does not exist" - a CallSid Twilio does not know.
  [20404, 'resource not found'],
  // "'From' phone number not verified" (also any From but +15005550006 with test credentials).
  [21210, "'From' number not verified"],
  // "Invalid 'To' Phone Number" (SMS; +15005550001 with test credentials).
  [21211, "invalid 'To' number"],
  // "Invalid 'From' Phone Number" (+15005550001 as From with test credentials).
  [21212, "invalid 'From' number"],
  // "'To' phone number cannot be reached" (calls; +15005550002 with test credentials).
  [21214, "'To' number cannot be reached"],
  // "Account not authorized to call this number": geo permissions (calls; +15005550003).
  [21215, 'no permission to call this number (geo permissions)'],
  // "Call blocked by Twilio" (calls; +15005550004).
  [21216, 'number blocked by Twilio'],
  // "Phone number does not appear to be valid" (calls; +15005550001).
  [21217, 'invalid phone number'],
  // "Invalid call state: you attempted a realtime operation on a Call that was not in-progress.
  // Calls that have completed cannot be recorded or redirected."
  [21220, 'call is not in progress'],
  // "Permission to send an SMS has not been enabled for the region indicated by the 'To' number" (SMS; +15005550003).
  [21408, 'no permission to send SMS to this region'],
  // "Attempt to send to unsubscribed recipient": the number replied STOP or is blocklisted (SMS; +15005550004).
  [21610, 'recipient unsubscribed or blocked'],
  // "The 'To' phone number is not currently reachable via SMS" (SMS; +15005550002).
  [21612, "'To' number cannot be reached by SMS"],
  // "'To' number is not a valid mobile number": a landline (SMS; +15005550009).
  [21614, "'To' number is not a mobile number"],
]);

export interface TwilioErrorClass {
  /** Twilio's numeric error code, when Twilio answered with one. */
  code: number | null;
  /** The HTTP status of Twilio's answer; null when none came (network error, timeout). */
  status: number | null;
  /** Retrying never helps: the call is over, or the number is invalid, unreachable or not permitted. */
  terminal: boolean;
  /** Twilio or the network failed; the same request may succeed later. Never true with `terminal`. */
  transient: boolean;
}

/** What was asked of Twilio: for logs and metrics. */
export type TwilioOperation = 'sms' | 'call-update' | 'call';

/**
 * A failed Twilio REST request, classified. The live gateway throws only these; the simulated
 * gateway throws them for Twilio's magic test numbers and for updates of ended calls.
 */
export class TwilioRequestError extends Error {
  readonly code: number | null;
  readonly status: number | null;
  readonly terminal: boolean;
  readonly transient: boolean;

  /**
   * What twilio-node threw. Not enumerable and not `cause`, so loggers leave it out: Twilio's own
   * messages quote the caller's phone number ("The 'To' number +86… is not a valid phone number").
   */
  declare readonly source: unknown;

  constructor(
    readonly operation: TwilioOperation,
    message: string,
    details: { code?: number | null; status?: number | null; terminal?: boolean; transient?: boolean; source?: unknown },
  ) {
    super(message);
    this.name = 'TwilioRequestError';
    Object.defineProperty(this, 'source', { value: details.source, enumerable: false });
    this.code = details.code ?? null;
    this.status = details.status ?? null;
    const byRule = classifyFields(this.code, this.status);
    this.terminal = details.terminal ?? byRule.terminal;
    this.transient = !this.terminal && (details.transient ?? byRule.transient);
  }

  /** A refusal as Twilio itself would give it (the simulated gateway's magic numbers). */
  static refused(operation: TwilioOperation, code: number, status = 400): TwilioRequestError {
    const reason = TERMINAL_TWILIO_CODES.get(code) ?? 'refused';
    return new TwilioRequestError(operation, `Twilio error ${code}: ${reason}`, { code, status });
  }

  /** Wraps whatever twilio-node threw (RestException, an axios network error, anything else). */
  static from(operation: TwilioOperation, error: unknown): TwilioRequestError {
    if (error instanceof TwilioRequestError) return error;
    const { code, status } = classifyTwilioError(error);
    let message: string;
    if (status !== null || code !== null) {
      // Twilio's own message is left out on purpose (see `source`): the code says it all.
      const reason = code !== null ? TERMINAL_TWILIO_CODES.get(code) : undefined;
      message = `Twilio error ${code ?? '(no code)'}${reason ? ` (${reason})` : ''}, HTTP ${status ?? '?'}`;
    } else {
      // A network error or timeout: its message names the host or the timeout, not the caller.
      const fields = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
      const what = typeof fields.code === 'string' ? `${fields.code}: ` : '';
      message = `Twilio request failed: ${what}${typeof fields.message === 'string' ? fields.message : String(error)}`;
    }
    return new TwilioRequestError(operation, message, { code, status, source: error });
  }
}

/**
 * The one classification of a Twilio failure, for everyone: the live gateway, the patient
 * gateway's retries and the hand-off (close the record, or put the caller back?). Accepts
 * TwilioRequestError, twilio-node's RestException (`.status`, `.code`), axios/Node network errors
 * (`.code` a string such as ECONNRESET, no `.status`) or anything thrown.
 *
 * Anything that is not an answer from Twilio (no HTTP status: a network error, a timeout, a bug)
 * counts as transient: it says nothing against the call or the number.
 */
export function classifyTwilioError(error: unknown): TwilioErrorClass {
  if (error instanceof TwilioRequestError) {
    return { code: error.code, status: error.status, terminal: error.terminal, transient: error.transient };
  }
  const fields = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  const code = typeof fields.code === 'number' && Number.isInteger(fields.code) ? fields.code : null;
  const statusField = typeof fields.status === 'number' ? fields.status : fields.response?.status;
  const status = typeof statusField === 'number' && statusField >= 100 && statusField < 600 ? statusField : null;
  return classifyFields(code, status);
}

function classifyFields(code: number | null, status: number | null): TwilioErrorClass {
  if (code !== null && TERMINAL_TWILIO_CODES.has(code)) return { code, status, terminal: true, transient: false };
  // 20429 is Twilio's "Too Many Requests" code, which comes with HTTP 429.
  if (code === 20429) return { code, status, terminal: false, transient: true };
  if (status !== null) {
    const transient = status >= 500 || status === 429 || status === 408;
    return { code, status, terminal: false, transient };
  }
  // No answer from Twilio at all: a network error (ECONNRESET, ENOTFOUND…), a timeout
  // (axios ECONNABORTED / ETIMEDOUT), or something unknown.
  return { code, status, terminal: false, transient: true };
}

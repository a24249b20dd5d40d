import type { Logger } from 'pino';
import { TwilioRequestError, type TwilioOperation } from './twilio-errors';
import type { CallUpdate, OutboundCall, OutboundSms, TwilioGateway } from './twilio-gateway';

/** How long a caller of the gateway (a webhook, above all) waits for Twilio's REST API (SPEC §4.1). */
export const TWILIO_BUDGET_MS = 2000;
/** The pauses before each retry of a transient failure; their number bounds the retries. */
export const TWILIO_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000];

/** How a request ended, for good. */
export type TwilioSettled<T> = { status: 'done'; value: T } | { status: 'failed'; error: TwilioRequestError };

/**
 * What the caller learns within its budget: the request ended (done or failed), or it is
 * `pending`: Twilio has not answered yet (or failed transiently and is being retried), and it goes
 * on in the background. `settled` tells how it ended; it never rejects.
 */
export type TwilioOutcome<T> = TwilioSettled<T> | { status: 'pending'; settled: Promise<TwilioSettled<T>> };

/** Counts for metrics. Every method is optional; a listener that throws is ignored. */
export interface PatienceListener {
  /** The caller stopped waiting after its budget; the request goes on in the background. */
  pending?(operation: TwilioOperation): void;
  /** A transient failure; the request is tried again after a pause. */
  retrying?(operation: TwilioOperation, error: TwilioRequestError, attempt: number): void;
  /** Succeeded in the background, after the caller had stopped waiting. */
  completedLate?(operation: TwilioOperation): void;
  /** Given up: a terminal or otherwise unretryable refusal, or the retries used up. */
  failed?(operation: TwilioOperation, error: TwilioRequestError, afterPending: boolean): void;
}

export interface PatientTwilioGatewayOptions {
  log: Logger;
  /** Default TWILIO_BUDGET_MS. */
  budgetMs?: number;
  /** Default TWILIO_RETRY_DELAYS_MS (3 retries, 1 s, 2 s, 4 s apart); `[]` never retries. */
  retryDelaysMs?: readonly number[];
  listener?: PatienceListener;
}

/**
 * Keeps every caller's wait on Twilio's REST API within a budget (2 s), so a webhook answers the
 * caller on time however slow Twilio is. Wraps any TwilioGateway.
 *
 * SMS and call updates: when the request ends within the budget, its result or error comes back
 * as usual. When it does not, `sendSms`/`updateCall` resolve anyway (the SMS path says "sent")
 * and the request goes on in the background; `trySendSms`/`tryUpdateCall` say so (`pending`)
 * for callers that care. A transient failure (5xx, 429, network, timeout; see
 * classifyTwilioError) is retried in the same chain, within the budget or after it, at most
 * `retryDelaysMs.length` times; a terminal one never is. Every failed attempt is logged at warn;
 * the final failure of a request whose caller had stopped waiting is logged at error, with the
 * CallSid (otherwise the caller gets the error and reports it).
 *
 * Outbound calls (`createCall`) are neither budgeted nor retried: the caller needs the new call's
 * sid, a retry after a timeout could ring the callee twice, and no webhook makes one (the agent
 * API and the sweeper do). The live gateway's request timeout bounds them.
 *
 * Each attempt of a request is bounded by the underlying gateway's own request timeout (the live
 * gateway sets one), so the background chain always ends.
 */
export class PatientTwilioGateway implements TwilioGateway {
  readonly mode: 'live' | 'simulate';
  private readonly budgetMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly inner: TwilioGateway,
    private readonly options: PatientTwilioGatewayOptions,
  ) {
    this.mode = inner.mode;
    this.budgetMs = options.budgetMs ?? TWILIO_BUDGET_MS;
    this.retryDelaysMs = options.retryDelaysMs ?? TWILIO_RETRY_DELAYS_MS;
  }

  async sendSms(sms: OutboundSms): Promise<void> {
    unwrap(await this.trySendSms(sms));
  }

  async updateCall(callSid: string, update: CallUpdate): Promise<void> {
    unwrap(await this.tryUpdateCall(callSid, update));
  }

  trySendSms(sms: OutboundSms): Promise<TwilioOutcome<void>> {
    return this.patiently('sms', sms.callSid, () => this.inner.sendSms(sms));
  }

  tryUpdateCall(callSid: string, update: CallUpdate): Promise<TwilioOutcome<void>> {
    return this.patiently('call-update', callSid, () => this.inner.updateCall(callSid, update));
  }

  async createCall(call: OutboundCall): Promise<string> {
    try {
      return await this.inner.createCall(call);
    } catch (error) {
      const classified = TwilioRequestError.from('call', error);
      this.options.log.warn({ callSid: call.forCallSid, ...describe('call', classified) }, 'Twilio refused an outbound call');
      this.notify('failed', 'call', classified, false);
      throw classified;
    }
  }

  callEnded(callSid: string): void {
    this.inner.callEnded?.(callSid);
  }

  /** Asked by the sweeper, never by a webhook: no budget. */
  async callStatus(callSid: string): Promise<string> {
    if (!this.inner.callStatus) throw new Error('this gateway cannot tell a call\'s status');
    return this.inner.callStatus(callSid);
  }

  /** Resolves when no request is running in the background (tests; a graceful shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** How many requests are still running (retries included). */
  get backgroundCount(): number {
    return this.inFlight.size;
  }

  private async patiently<T>(operation: TwilioOperation, callSid: string | undefined, request: () => Promise<T>): Promise<TwilioOutcome<T>> {
    const caller = { gaveUp: false };
    const settled = this.attempts(operation, callSid, request, caller);
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        // Set here, not after the race: the chain's last step reads it to know who reports a failure.
        caller.gaveUp = true;
        resolve();
      }, this.budgetMs);
    });
    const first = await Promise.race([settled, budget]);
    clearTimeout(timer);
    if (!caller.gaveUp && first) return first;
    this.options.log.warn({ callSid, operation, budgetMs: this.budgetMs }, 'Twilio did not answer within the budget; carrying on in the background');
    this.notify('pending', operation);
    return { status: 'pending', settled };
  }

  /** The request and its retries; never rejects. */
  private async attempts<T>(
    operation: TwilioOperation,
    callSid: string | undefined,
    request: () => Promise<T>,
    caller: { gaveUp: boolean },
  ): Promise<TwilioSettled<T>> {
    const log = this.options.log;
    for (let attempt = 1; ; attempt += 1) {
      let error: TwilioRequestError;
      try {
        const value = await request();
        if (caller.gaveUp) {
          log.info({ callSid, operation, attempt }, 'Twilio request completed in the background');
          this.notify('completedLate', operation);
        }
        return { status: 'done', value };
      } catch (thrown) {
        error = TwilioRequestError.from(operation, thrown);
      }
      const pause = this.retryDelaysMs[attempt - 1];
      if (error.transient && pause !== undefined) {
        log.warn({ callSid, ...describe(operation, error), attempt, retryInMs: pause }, 'Twilio request failed; retrying');
        this.notify('retrying', operation, error, attempt);
        await sleep(pause);
        continue;
      }
      const why = error.terminal ? 'refused for good' : error.transient ? 'retries used up' : 'refused';
      const fields = { callSid, ...describe(operation, error), attempt, err: error };
      // A caller still waiting gets the error and reports it; nobody else will report it now.
      if (caller.gaveUp) log.error(fields, `Twilio request failed in the background (${why})`);
      else log.warn(fields, `Twilio request failed (${why})`);
      this.notify('failed', operation, error, caller.gaveUp);
      return { status: 'failed', error };
    }
  }

  private notify<K extends keyof PatienceListener>(event: K, ...args: Parameters<NonNullable<PatienceListener[K]>>): void {
    try {
      (this.options.listener?.[event] as ((...a: unknown[]) => void) | undefined)?.call(this.options.listener, ...args);
    } catch {
      // Metrics must never break a call.
    }
  }
}

function unwrap<T>(outcome: TwilioOutcome<T>): void {
  if (outcome.status === 'failed') throw outcome.error;
}

/** Log fields for a failure; `code` itself is a redacted log key (logging/logger.ts), hence `twilioCode`. */
function describe(operation: TwilioOperation, error: TwilioRequestError) {
  return { operation, twilioCode: error.code, twilioStatus: error.status, terminal: error.terminal, transient: error.transient };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

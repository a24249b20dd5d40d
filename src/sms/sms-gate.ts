import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Language, PromptVars } from '../../flows/vocabulary';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Quota, QuotaStore } from '../limits/quota-store';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import type { SecurityEvents } from '../security/security-events';
import { isDialable } from '../twilio/caller-id';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import { isTextable } from './textable-number';

/** One SMS the hotline wants to send; every SMS goes through the gate. */
export interface SmsMessage {
  callSid: string;
  /** E.164: the caller ID (as normalised at the webhook) or a wallet's registered number. */
  to: string;
  language: Language;
  /** The body's catalogue key; also the SMS's kind: at most one of each per call. */
  template: string;
  vars?: PromptVars;
  /** How many of this kind one call may send when more than one (a reset link has one resend, SPEC §2). */
  kindLimit?: number;
  /** A one-time code of this wallet: limited per wallet per hour instead of per call. */
  codeFor?: string;
}

export type SmsRefusal = 'noNumber' | 'notMobile' | 'alreadySent' | 'callLimit' | 'numberLimit' | 'codeLimit';
export type SmsOutcome = { kind: 'sent' } | { kind: 'failed' } | { kind: 'refused'; reason: SmsRefusal };

/** The gate as its users see it: the engine (menu SMS), identity (codes, reset links), callbacks, agents' wrap-up summaries. */
export interface SmsSender {
  send(message: SmsMessage, log: Logger): Promise<SmsOutcome>;
  /** Whether `to` may get an SMS at all (dialable, textable); the quotas may still refuse one. */
  canText(to: string): boolean;
}

/** What the caller hears after an SMS was asked for. */
export function smsNotice(outcome: SmsOutcome): string {
  if (outcome.kind === 'sent') return 'sms.sent';
  if (outcome.kind === 'failed') return 'sms.failed';
  return outcome.reason === 'noNumber' ? 'sms.noNumber' : `sms.refused.${outcome.reason}`;
}

/** A call lasts less than this; its SMS count is kept as long. */
const CALL_WINDOW_MS = 4 * 3600_000;
const DAY_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;

export interface SmsGateDeps {
  quotas: QuotaStore;
  twilio: TwilioGateway;
  catalogue: PromptCatalogue;
  clock: Clock;
  security: SecurityEvents;
  limits: Config['sms'];
}

/** Which quota refused, as the reason the caller hears. */
function refusalOf(quota: string): SmsRefusal {
  if (quota.startsWith('kind:')) return 'alreadySent';
  return ({ call: 'callLimit', number: 'numberLimit', codes: 'codeLimit' } as const)[quota as 'call' | 'number' | 'codes'];
}

/**
 * The one way out for SMS (SPEC §3, SMS pumping and toll fraud): only to a textable number, at
 * most one of each kind and `SMS_MAX_PER_CALL` per call (one-time codes apart), at most
 * `SMS_MAX_PER_NUMBER_PER_DAY` to one number, at most `SMS_MAX_CODES_PER_WALLET_PER_HOUR` codes
 * per wallet. The quotas are taken before the send, atomically in the shared store, so they hold
 * across calls and instances; a refusal is a security event. A send that fails gives them back.
 */
export class SmsGate implements SmsSender {
  constructor(private readonly deps: SmsGateDeps) {}

  canText(to: string): boolean {
    return isTextable(to, this.deps.limits.countryCodes);
  }

  async send(message: SmsMessage, log: Logger): Promise<SmsOutcome> {
    if (!isDialable(message.to)) return { kind: 'refused', reason: 'noNumber' };
    if (!this.canText(message.to)) return this.refuse(message, 'notMobile');
    const quotas = await this.take(message);
    if (!Array.isArray(quotas)) return this.refuse(message, quotas.refused);
    try {
      const body = this.deps.catalogue.render(message.language, message.template, message.vars);
      await this.deps.twilio.sendSms({ to: message.to, body, callSid: message.callSid });
      return { kind: 'sent' };
    } catch (error) {
      log.error({ err: error, sms: message.template }, 'SMS could not be sent');
      await this.giveBack(quotas);
      return { kind: 'failed' };
    }
  }

  /** Takes every quota the message counts against (one store script each, sent together), or none. */
  private async take(message: SmsMessage): Promise<Array<[string, Quota[]]> | { refused: SmsRefusal }> {
    const quotas = this.quotasOf(message);
    const now = this.deps.clock.now();
    const results = await Promise.all(quotas.map(([subject, list]) => this.deps.quotas.take(subject, list, now)));
    const refusedAt = results.findIndex((full) => full !== null);
    if (refusedAt < 0) return quotas;
    await this.giveBack(quotas.filter((_, index) => results[index] === null));
    return { refused: refusalOf(results[refusedAt]!) };
  }

  private quotasOf(message: SmsMessage): Array<[string, Quota[]]> {
    const { limits } = this.deps;
    const perNumber: [string, Quota[]] = [`sms:${message.to}`, [{ name: 'number', limit: limits.maxPerNumberPerDay, windowMs: DAY_MS }]];
    if (message.codeFor !== undefined) {
      return [[`wallet:${message.codeFor}`, [{ name: 'codes', limit: limits.maxCodesPerWalletPerHour, windowMs: HOUR_MS }]], perNumber];
    }
    const perCall: Quota[] = [
      // The kind first: a second press of "send by SMS" hears that it was sent, not that the call's SMS ran out.
      { name: `kind:${message.template}`, limit: message.kindLimit ?? 1, windowMs: CALL_WINDOW_MS },
      { name: 'call', limit: limits.maxPerCall, windowMs: CALL_WINDOW_MS },
    ];
    return [[`call:${message.callSid}`, perCall], perNumber];
  }

  private async giveBack(quotas: Array<[string, Quota[]]>): Promise<void> {
    await Promise.all(quotas.map(([subject, list]) => this.deps.quotas.giveBack(subject, list.map((quota) => quota.name))));
  }

  /** Never names the number: the event says which call, which SMS and why. */
  private refuse(message: SmsMessage, reason: SmsRefusal): SmsOutcome {
    this.deps.security.record('sms-refused', { callSid: message.callSid, reason, sms: message.template });
    return { kind: 'refused', reason };
  }
}

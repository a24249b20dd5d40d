import type { Logger } from 'pino';
import type { Handoff } from '../../flows/menu-contract';
import type { QueuePriority } from '../../flows/vocabulary';
import type { CallSession } from '../calls/call-session';
import type { HandoffDesk, HandoffOutcome } from '../calls/handoff-desk';
import type { Clock } from '../clock';
import { endOfNextBusinessDay, isOpen, type BusinessHours } from '../hours/business-hours';
import { isDialable } from '../twilio/caller-id';
import type { CallerHistory } from './caller-history';
import type { HandoffEntry, HandoffRecord } from './record/handoff-record';
import type { HandoffRecords } from './record/handoff-records';

export interface QueueDeskDeps {
  records: HandoffRecords;
  history: CallerHistory;
  clock: Clock;
  businessHours: BusinessHours;
  timeZone: string;
  /** Where callers go with `<Dial>` when the queue cannot be reached. */
  overflowNumber: string | undefined;
  log: Logger;
}

/**
 * Hands callers to the human queue (SPEC §4). Inside business hours the caller gets a hand-off
 * record in their tier's queue and hears how many wait ahead; outside them they get the
 * after-hours menu (callback or SMS), so nobody waits for agents who are not there. A queue that
 * cannot be reached sends the caller to the overflow number.
 */
export class QueueDesk implements HandoffDesk {
  constructor(private readonly deps: QueueDeskDeps) {}

  async handOff(session: Readonly<CallSession>, handoff: Handoff): Promise<HandoffOutcome> {
    if (!isOpen(new Date(this.deps.clock.now()), this.deps.businessHours, this.deps.timeZone)) {
      return { kind: 'menu', menu: 'afterHours', speech: [] };
    }
    try {
      const { record } = await this.enqueue(session, handoff);
      const place = await this.deps.records.position(record);
      const ahead = Math.max(0, (place?.position ?? 1) - 1);
      return {
        kind: 'transferred',
        speech: [ahead > 0 ? { key: 'queue.transferring', vars: { ahead } } : { key: 'queue.transferringFirst' }],
        placement: { kind: 'enqueue', queue: record.queue },
      };
    } catch (error) {
      this.deps.log.error({ err: error, callSid: session.callSid }, 'hand-off store unreachable; sending the caller to overflow');
      if (this.deps.overflowNumber) {
        return { kind: 'transferred', speech: [{ key: 'queue.overflow' }], placement: { kind: 'dial', number: this.deps.overflowNumber } };
      }
      return { kind: 'declined', speech: [{ key: 'agent.unavailable' }] };
    }
  }

  /**
   * After hours: the caller gets a record waiting for a callback, so agents see them (flagged)
   * first thing when they come on duty, in the same order as everyone else, until the end of the
   * next business day. Only a number we can call back can ask for one.
   */
  async requestCallback(session: Readonly<CallSession>, handoff: Handoff): Promise<'ok' | 'notDialable'> {
    if (!isDialable(session.from)) return 'notDialable';
    const expiresAt = endOfNextBusinessDay(this.deps.clock.now(), this.deps.businessHours, this.deps.timeZone);
    const { record } = await this.enqueue(session, handoff, expiresAt);
    if (record.state === 'waiting') {
      if ((await this.deps.records.requestCallback(record.callSid, expiresAt)).kind !== 'done') throw new Error('callback request refused');
    } else if (record.state !== 'callback-waiting') {
      throw new Error(`callback request on a call that is ${record.state}`);
    }
    return 'ok';
  }

  private async enqueue(session: Readonly<CallSession>, handoff: Handoff, callbackExpiresAt?: number): Promise<{ record: HandoffRecord }> {
    const dialable = isDialable(session.from);
    const priority = await this.priority(session.from, dialable, handoff);
    const result = await this.deps.records.enqueue(entryFor(session, handoff, priority, dialable, this.deps.clock.now()), callbackExpiresAt);
    if (result.created && dialable) await this.deps.history.record(session.from, handoff.intent, session.callSid);
    return result;
  }

  /** Withheld callers are strangers: never "the same caller" as each other, never a repeat caller. */
  private async priority(from: string, dialable: boolean, handoff: Handoff): Promise<QueuePriority> {
    if (handoff.priority === 'urgent') return 'urgent';
    return dialable && (await this.deps.history.askedRecently(from, handoff.intent)) ? 'repeat' : 'normal';
  }
}

function entryFor(session: Readonly<CallSession>, handoff: Handoff, priority: QueuePriority, dialable: boolean, now: number): HandoffEntry {
  const { facts } = session;
  return {
    callSid: session.callSid,
    queue: handoff.tier,
    from: session.from,
    dialable,
    language: session.language,
    identityLevel: facts.identityLevel,
    ...(facts.walletId ? { walletId: facts.walletId } : {}),
    intent: handoff.intent,
    ...(facts.subject ? { subject: facts.subject } : {}),
    priority,
    enqueuedAt: now,
    journey: session.journey,
    selfService: session.selfService,
  };
}

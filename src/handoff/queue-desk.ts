import type { Logger } from 'pino';
import type { Handoff } from '../../flows/menu-contract';
import type { CallSession } from '../calls/call-session';
import type { HandoffDesk, HandoffOutcome } from '../calls/handoff-desk';
import type { Clock } from '../clock';
import { isOpen, type BusinessHours } from '../queue/business-hours';
import type { EnqueueResult, HumanQueue, QueueEntry, QueuePriority, Tier } from '../queue/human-queue';
import type { CallerHistory } from './caller-history';

export interface QueueDeskDeps {
  queue: HumanQueue;
  history: CallerHistory;
  clock: Clock;
  businessHours: BusinessHours;
  timeZone: string;
  /** Where callers go with `<Dial>` when the queue cannot be reached. */
  overflowNumber: string | undefined;
  log: Logger;
}

/**
 * Hands callers to the human queue (SPEC §4). Inside business hours the caller joins their tier's
 * queue and hears how many wait ahead; outside them they get the after-hours menu (callback or
 * SMS), so nobody waits for agents who are not there. A queue that cannot be reached sends the
 * caller to the overflow number.
 */
export class QueueDesk implements HandoffDesk {
  constructor(private readonly deps: QueueDeskDeps) {}

  async handOff(session: Readonly<CallSession>, handoff: Handoff): Promise<HandoffOutcome> {
    try {
      // A late webhook for a caller already in the queue rejoins it, even if the hours ended since.
      const rejoining = session.phase === 'handoff';
      if (!rejoining && !isOpen(new Date(this.deps.clock.now()), this.deps.businessHours, this.deps.timeZone)) {
        return { kind: 'menu', menu: 'afterHours', speech: [] };
      }
      const result = await this.enqueue(session, handoff);
      const queue = result.created ? handoff.tier : ((await this.deps.queue.getEntry(session.callSid))?.queue ?? handoff.tier);
      const ahead = Math.max(0, (result.position ?? 1) - 1);
      return {
        kind: 'transferred',
        speech: [ahead > 0 ? { key: 'queue.transferring', vars: { ahead } } : { key: 'queue.transferringFirst' }],
        placement: { kind: 'enqueue', queue },
      };
    } catch (error) {
      this.deps.log.error({ err: error, callSid: session.callSid }, 'human queue unreachable; sending the caller to overflow');
      if (this.deps.overflowNumber) {
        return { kind: 'transferred', speech: [{ key: 'queue.overflow' }], placement: { kind: 'dial', number: this.deps.overflowNumber } };
      }
      return { kind: 'declined', speech: [{ key: 'agent.unavailable' }] };
    }
  }

  /**
   * After hours: the caller is queued as wanting a callback, so agents see them (flagged) first
   * thing when they come on duty, in the same order as everyone else. Their hang-up keeps them queued.
   */
  async requestCallback(session: Readonly<CallSession>, handoff: Handoff): Promise<void> {
    await this.enqueue(session, handoff);
    if (!(await this.deps.queue.requestCallback(session.callSid))) {
      throw new Error('callback request on a call that is not waiting');
    }
  }

  private async enqueue(session: Readonly<CallSession>, handoff: Handoff): Promise<EnqueueResult> {
    const priority = await this.priority(session.from, handoff);
    const result = await this.deps.queue.enqueue(entryFor(session, handoff.tier, priority, this.deps.clock.now()));
    if (result.created) await this.deps.history.record(session.from, handoff.intent, session.callSid);
    return result;
  }

  private async priority(from: string, handoff: Handoff): Promise<QueuePriority> {
    if (handoff.priority === 'urgent') return 'urgent';
    return (await this.deps.history.askedRecently(from, handoff.intent)) ? 'repeat' : 'normal';
  }
}

function entryFor(session: Readonly<CallSession>, tier: Tier, priority: QueuePriority, now: number): QueueEntry {
  const { facts } = session;
  return {
    callSid: session.callSid,
    queue: tier,
    from: session.from,
    language: session.language,
    identityLevel: facts.identityLevel,
    ...(facts.walletId ? { walletId: facts.walletId } : {}),
    intent: session.handoff?.intent ?? facts.intent ?? 'main',
    ...(facts.subject ? { subject: facts.subject } : {}),
    priority,
    enqueuedAt: now,
    callbackRequested: false,
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentClient } from '../lib/agent-client';
import { fetchDevOutbox } from '../lib/dev-outbox';
import { dialOfCallUpdate } from '../lib/handoff-double';
import type { RoundRobinBalancer } from '../lib/round-robin-balancer';
import type { DialVerb } from '../lib/twiml-reader';
import type { SoakStats } from './soak-stats';

const WRAP_UP_ATTEMPTS = 10;

/** What a claim brings a waiting caller: the agent's `<Dial>`; the caller answers when the conversation is over. */
export interface Claimed {
  agentId: string;
  dial: DialVerb;
  /** The caller's side says the agent's leg ended (or never connected): the agent wraps up. */
  conversationOver(connected: boolean): void;
}

/** A simulated caller on the way to the queue or in it, as the desk sees it. */
export interface WaitingCaller {
  callSid: string;
  /** In Twilio's queue and not handed an agent yet (false while still pressing 0). */
  inQueue(): boolean;
  claimed(claim: Claimed): void;
}

export interface AgentDeskOptions {
  /** LEASE_SECONDS of the instances: a claim whose call update never reached Twilio is back in line after it. */
  leaseMs: number;
  /** The agent's time to wrap up after the conversation. */
  wrapUpMs: number;
}

/**
 * The simulated agents: each one marks itself available, then waits idle until the simulation
 * knows of a caller in the queue that no claim is on its way for, claims through the balancer
 * (POST /agent/claims, on whichever instance), reads the call update the claim made from that
 * instance's outbox (the `<Dial>` Twilio would carry out) and hands it to the caller, waits for
 * the conversation to end and wraps up. Idle agents are woken one per caller, so thousands of
 * them do not claim at once for one caller.
 */
export class AgentDesk {
  private readonly idle: Array<() => void> = [];
  /** Callers about to be queued or queued, with the time until which a claim whose update was lost holds them. */
  private readonly waiting = new Map<string, { caller: WaitingCaller; heldUntil: number }>();
  private claiming = 0;
  private stopped = false;
  private readonly reconcile: NodeJS.Timeout;

  constructor(
    private readonly balancer: RoundRobinBalancer,
    private readonly publicBaseUrl: string,
    private readonly stats: SoakStats,
    private readonly options: AgentDeskOptions,
  ) {
    // Wakes agents for callers whose claim came back empty-handed (a 204 or 409 raced a lapse).
    this.reconcile = setInterval(() => this.dispatch(), 500);
  }

  /**
   * A caller is about to press 0: known before the hotline queues them, since an agent's claim
   * may take them before the caller has read the `<Enqueue>` answer.
   */
  expect(caller: WaitingCaller): void {
    this.waiting.set(caller.callSid, { caller, heldUntil: 0 });
  }

  /** The caller is in the queue now: an idle agent is woken for them. */
  enqueued(): void {
    this.dispatch();
  }

  /** The caller left the queue without an agent (hung up, or the call failed). */
  left(callSid: string): void {
    this.waiting.delete(callSid);
  }

  /** Runs one agent until `stop()`. */
  async serve(agent: AgentClient): Promise<void> {
    await this.until200(() => agent.available(), 'availability');
    while (!this.stopped) {
      await new Promise<void>((resolve) => this.idle.push(resolve));
      if (this.stopped) return;
      let claim: Awaited<ReturnType<AgentClient['claim']>>;
      try {
        claim = await agent.claim();
      } catch {
        this.stats.agentAnswer('claim failed');
        await sleep(1000);
        continue;
      } finally {
        this.claiming -= 1;
      }
      this.stats.agentAnswer(`claim ${claim.status}`);
      if (claim.status === 200 && claim.callSid) await this.take(agent, claim.callSid, claim.backend);
      else if (claim.status === 409) {
        // Still holding a caller whose call update never reached Twilio (its lease lapses), or marked away.
        await sleep(1000);
        await agent.available().catch(() => undefined);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.reconcile);
    for (const wake of this.idle.splice(0)) wake();
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.waitingUnclaimed() > this.claiming) {
      this.claiming += 1;
      this.idle.shift()!();
    }
  }

  private waitingUnclaimed(): number {
    const now = Date.now();
    let count = 0;
    for (const { caller, heldUntil } of this.waiting.values()) if (heldUntil <= now && caller.inQueue()) count += 1;
    return count;
  }

  private async take(agent: AgentClient, callSid: string, backend: number): Promise<void> {
    const entry = this.waiting.get(callSid);
    const dial = await this.callUpdate(backend, callSid);
    if (!entry || !dial) {
      // Twilio never got the update (the instance died, or the caller is gone): the lease lapses and
      // the caller is back in line; the agent's one-call key is free again then too.
      this.stats.agentAnswer(entry ? 'call update lost' : 'claimed a caller no longer simulated');
      if (entry) entry.heldUntil = Date.now() + this.options.leaseMs + 2500;
      await sleep(this.options.leaseMs + 2500);
      return;
    }
    this.waiting.delete(callSid);
    const { caller } = entry;
    const connected = await new Promise<boolean>((resolve) => caller.claimed({ agentId: agent.id, dial, conversationOver: resolve }));
    if (!connected) return;
    await sleep(this.options.wrapUpMs);
    // A wrap-up the hotline could not take (5xx, no answer: Redis failing over) is sent again, as an agent clicks again.
    for (let attempt = 1; attempt <= WRAP_UP_ATTEMPTS; attempt++) {
      const wrapUp = await agent.wrapUp(callSid, 'soak: resolved').catch(() => ({ status: 0 }));
      this.stats.agentAnswer(`wrap-up ${wrapUp.status}`);
      if (wrapUp.status > 0 && wrapUp.status < 500) return;
      await sleep(1000);
    }
  }

  private async callUpdate(backend: number, callSid: string): Promise<DialVerb | undefined> {
    try {
      const outbox = await fetchDevOutbox((url) => this.balancer.sendTo(backend, 'GET', url), this.publicBaseUrl, callSid);
      return outbox && dialOfCallUpdate(outbox, callSid);
    } catch {
      return undefined;
    }
  }

  private async until200(request: () => Promise<{ status: number }>, what: string): Promise<void> {
    for (;;) {
      const answer = await request().catch(() => ({ status: 0 }));
      this.stats.agentAnswer(`${what} ${answer.status}`);
      if (answer.status === 200 || this.stopped) return;
      await sleep(1000);
    }
  }
}

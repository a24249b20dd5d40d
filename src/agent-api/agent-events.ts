import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { Agent } from '../agents/agent-directory';
import type { Clock } from '../clock';
import type { HandoffRecords } from '../handoff/record/handoff-records';
import type { RecordChange } from '../handoff/record/handoff-store';
import type { AgentLabels } from '../prompts/agent-labels';
import { handoffCall, queuesBody } from './agent-views';
import { openEventStream, type EventStream } from './event-stream';

/** Changes within this long are sent as one `queues` event. */
const QUEUES_COALESCE_MS = 100;

interface Listener extends EventStream {
  agent: Agent;
}

/**
 * `GET /agent/events`: what changed, pushed to every agent console connected to this instance.
 * Every instance hears every record change (the store publishes each applied step), so a
 * console sees the queues and its calls change whichever instance served the step.
 */
export class AgentEventHub {
  private readonly listeners = new Set<Listener>();
  /** One subscription per hub, shared by every stream (also by streams that open at the same moment). */
  private subscription: Promise<() => void> | undefined;
  private queuesTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly records: HandoffRecords,
    private readonly labels: AgentLabels,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    this.subscription ??= this.records.onChange((change) => this.changed(change)).catch((error: unknown) => {
      this.subscription = undefined;
      throw error;
    });
    await this.subscription;
  }

  /** Ends every stream, so the server can close. */
  stop(): void {
    void this.subscription?.then((unsubscribe) => unsubscribe(), () => undefined);
    this.subscription = undefined;
    clearTimeout(this.queuesTimer);
    for (const listener of this.listeners) listener.end();
    this.listeners.clear();
  }

  async stream(agent: Agent, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.start();
    const listener: Listener = { agent, ...openEventStream(request, reply, () => this.listeners.delete(listener)) };
    this.listeners.add(listener);
    listener.send('queues', { queues: await queuesBody(this.records, this.clock.now()) });
    const held = await this.records.heldBy(agent.id);
    const record = held && (await this.records.get(held));
    if (record) listener.send('call', handoffCall(record, this.labels, agent.language));
  }

  private changed(change: RecordChange): void {
    if (this.listeners.size === 0) return;
    this.queuesTimer ??= setTimeout(() => {
      this.queuesTimer = undefined;
      void this.sendQueues();
    }, QUEUES_COALESCE_MS);
    void this.sendCall(change.callSid);
  }

  private async sendQueues(): Promise<void> {
    try {
      const body = { queues: await queuesBody(this.records, this.clock.now()) };
      for (const listener of this.listeners) listener.send('queues', body);
    } catch (error) {
      this.log.warn({ err: error }, 'could not send the queues to the consoles');
    }
  }

  /** To every console of an agent who held this call. */
  private async sendCall(callSid: string): Promise<void> {
    try {
      const record = await this.records.get(callSid);
      if (!record) return;
      for (const listener of this.listeners) {
        if (record.agents.includes(listener.agent.id)) listener.send('call', handoffCall(record, this.labels, listener.agent.language));
      }
    } catch (error) {
      this.log.warn({ err: error, callSid }, 'could not send a call change to the consoles');
    }
  }
}

import type { Balanced, RoundRobinBalancer } from './round-robin-balancer';

/** What POST /agent/claims answered, and which instance answered it (its outbox holds the call update). */
export interface ClaimAnswer {
  status: number;
  /** The claimed caller (200). */
  callSid?: string;
  backend: number;
}

/** An agent's desktop calling the agent API through the load balancer, as the console does. */
export class AgentClient {
  constructor(
    private readonly balancer: RoundRobinBalancer,
    private readonly publicBaseUrl: string,
    readonly id: string,
    private readonly token: string,
  ) {}

  available(available = true): Promise<Balanced> {
    return this.call('PUT', '/agent/availability', { available });
  }

  async claim(): Promise<ClaimAnswer> {
    const answer = await this.call('POST', '/agent/claims');
    const callSid = answer.status === 200 ? (JSON.parse(answer.body) as { callSid: string }).callSid : undefined;
    return { status: answer.status, backend: answer.backend, ...(callSid ? { callSid } : {}) };
  }

  wrapUp(callSid: string, note: string, resolved = true): Promise<Balanced> {
    return this.call('POST', `/agent/calls/${callSid}/wrap-up`, { note, resolved });
  }

  private call(method: 'PUT' | 'POST', path: string, payload?: object): Promise<Balanced> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (payload) headers['content-type'] = 'application/json';
    return this.balancer.send(method, `${this.publicBaseUrl}${path}`, payload ? JSON.stringify(payload) : undefined, headers);
  }
}

/**
 * Every URL the server writes into its TwiML, absolute and built from PUBLIC_BASE_URL, because
 * Twilio signs exactly the URL it calls and the signature check rebuilds it the same way.
 */
export class WebhookUrls {
  constructor(private readonly base: string) {}

  incoming(): string {
    return `${this.base}/voice/incoming`;
  }

  status(): string {
    return `${this.base}/voice/status`;
  }

  /** The answer to a prompt given at `revision` of the call's session. */
  gather(revision: number): string {
    return `${this.base}/voice/gather?rev=${revision}`;
  }

  /** Where the call goes when a prompt got no answer at all. */
  noInput(revision: number): string {
    return `${this.base}/voice/no-input?rev=${revision}`;
  }

  /** Retried after a failure inside the server; `attempt` bounds the retries. */
  recover(attempt: number): string {
    return `${this.base}/voice/recover?attempt=${attempt}`;
  }

  /** Twilio's `<Enqueue waitUrl>`: requested again each time the wait TwiML ends. */
  queueWait(): string {
    return `${this.base}/voice/queue/wait`;
  }

  /** A key pressed while waiting (1: call me back). */
  queueWaitKey(): string {
    return `${this.base}/voice/queue/wait-key`;
  }

  /** `<Enqueue action>`: the caller left Twilio's waiting room. */
  queueLeft(): string {
    return `${this.base}/voice/queue/left`;
  }

  /**
   * Requested on the agent's leg when they answer. `call` is the queued call (a callback is a
   * different leg), `token` the claim it answers; `waited` is the claim's wait, for the estimate.
   */
  agentAnswered(callSid: string, agentId: string, token: string, waitedMs: number): string {
    return `${this.base}/voice/agent/answered?${query({ call: callSid, agent: agentId, token, waited: String(waitedMs) })}`;
  }

  /**
   * `<Dial action>` on the caller's leg when the agent's leg ends; the language travels in the URL
   * so that the caller is answered in theirs even when the store cannot be read.
   */
  dialEnded(callSid: string, agentId: string, token: string, language: string): string {
    return `${this.base}/voice/agent/dial-ended?${query({ call: callSid, agent: agentId, token, lang: language })}`;
  }

  /**
   * The satisfaction survey's answer (or its silence) for the queued call `callSid`; the language
   * travels in the URL because the queue may have forgotten the call by then (wrap-up).
   */
  survey(callSid: string, attempt: number, language: string): string {
    return `${this.base}/voice/survey?${query({ call: callSid, attempt: String(attempt), lang: language })}`;
  }

  path(pathAndQuery: string): string {
    return `${this.base}${pathAndQuery}`;
  }
}

function query(values: Record<string, string>): string {
  return new URLSearchParams(values).toString();
}

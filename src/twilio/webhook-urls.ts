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

  path(pathAndQuery: string): string {
    return `${this.base}${pathAndQuery}`;
  }
}

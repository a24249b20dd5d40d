import type { Logger } from 'pino';
import type { Language, Tier } from '../../../flows/vocabulary';
import type { Agent } from '../../agents/agent-directory';
import type { KeyValueStore } from '../../store/key-value-store';
import { answer, type Speech } from '../../twilio/answer';
import type { TwilioGateway } from '../../twilio/twilio-gateway';
import type { TwimlRenderer } from '../../twilio/twiml-renderer';
import type { WebhookUrls } from '../../twilio/webhook-urls';
import { CallLegs } from '../call-legs';
import type { CallBridge, Claim } from './call-bridge';

export interface TwilioCallBridgeDeps {
  twilio: TwilioGateway;
  renderer: TwimlRenderer;
  urls: WebhookUrls;
  /** Links a callback's outbound leg to the queued call (see CallLegs). */
  values: KeyValueStore;
  log: Logger;
  /** The `timeout` of the agent's dial (AGENT_RING_SECONDS) and of a callback's (CALLBACK_RING_SECONDS). */
  agentRingSeconds: number;
  callbackRingSeconds: number;
}

/**
 * Makes the phone calls the agent API decides on. A waiting caller's live call is moved out of
 * Twilio's waiting room into a `<Dial>` to the agent (REST call update); a caller who asked for a
 * callback is called back on a new outbound call that dials the agent once answered.
 */
export class TwilioCallBridge implements CallBridge {
  private readonly legs: CallLegs;

  constructor(private readonly deps: TwilioCallBridgeDeps) {
    this.legs = new CallLegs(deps.values);
  }

  async connect(claim: Claim, agent: Agent): Promise<void> {
    const { record, token, waitedMs } = claim;
    const log = this.deps.log.child({ callSid: record.callSid, agentId: agent.id });
    const callback = record.state === 'callback-dialling';
    const dialAgent = (speech: Speech[]) =>
      this.deps.renderer.render(
        answer(record.language, speech, {
          kind: 'connectAgent',
          callSid: record.callSid,
          agentId: agent.id,
          token,
          target: agent.contact,
          waitedMs,
          ringSeconds: callback ? this.deps.callbackRingSeconds : this.deps.agentRingSeconds,
        }),
        'callUpdate',
      );
    if (callback) {
      const twiml = dialAgent([{ key: 'agent.callback' }]);
      const legSid = await this.deps.twilio.createCall({
        to: record.from,
        twiml,
        statusCallback: this.deps.urls.status(),
        forCallSid: record.callSid,
        timeoutSeconds: this.deps.callbackRingSeconds,
      });
      await this.legs.link(record.callSid, legSid);
      log.info({ legSid }, 'calling back a caller for an agent');
      return;
    }
    await this.deps.twilio.updateCall(record.callSid, { twiml: dialAgent([{ key: 'agent.connecting' }]) });
    log.info('moving a waiting caller to an agent');
  }

  /** The queue already moved the entry; this only takes the caller from the agent back to waiting. */
  async moveToQueue(callSid: string, queue: Tier, language: Language): Promise<void> {
    const twiml = this.deps.renderer.render(answer(language, [{ key: 'agent.escalating' }], { kind: 'enqueue', queue }), 'callUpdate');
    await this.deps.twilio.updateCall(await this.legs.live(callSid), { twiml });
  }

  async finish(callSid: string, language: Language): Promise<void> {
    const twiml = this.deps.renderer.render(answer(language, [], { kind: 'survey', callSid, attempt: 1 }), 'callUpdate');
    await this.deps.twilio.updateCall(await this.legs.live(callSid), { twiml });
  }
}

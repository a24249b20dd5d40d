import type { Logger } from 'pino';
import type { Agent } from '../agents/agent-directory';
import type { Language } from '../config';
import type { ClaimedCall, Tier } from '../queue/human-queue';
import type { KeyValueStore } from '../store/key-value-store';
import { answer, type Speech } from '../twilio/answer';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import type { TwimlRenderer } from '../twilio/twiml-renderer';
import type { WebhookUrls } from '../twilio/webhook-urls';
import type { CallBridge } from './call-bridge';
import { CallLegs } from './call-legs';

/** How long an agent's phone or client rings before the caller goes back to the front. */
export const AGENT_RING_SECONDS = 20;

export interface TwilioCallBridgeDeps {
  twilio: TwilioGateway;
  renderer: TwimlRenderer;
  urls: WebhookUrls;
  /** Links a callback's outbound leg to the queued call (see CallLegs). */
  values: KeyValueStore;
  log: Logger;
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

  async connect(claim: ClaimedCall, agent: Agent): Promise<void> {
    const { call, waitedMs } = claim;
    const log = this.deps.log.child({ callSid: call.callSid, agentId: agent.id });
    const dialAgent = (speech: Speech[]) =>
      this.deps.renderer.render(
        answer(call.language, speech, {
          kind: 'connectAgent',
          callSid: call.callSid,
          agentId: agent.id,
          target: agent.contact,
          waitedMs,
          ringSeconds: AGENT_RING_SECONDS,
        }),
        'callUpdate',
      );
    if (call.callbackRequested) {
      const twiml = dialAgent([{ key: 'agent.callback' }]);
      const legSid = await this.deps.twilio.createCall({ to: call.from, twiml, statusCallback: this.deps.urls.status(), forCallSid: call.callSid });
      await this.legs.link(call.callSid, legSid);
      log.info({ legSid }, 'calling back a caller for an agent');
      return;
    }
    await this.deps.twilio.updateCall(call.callSid, { twiml: dialAgent([{ key: 'agent.connecting' }]) });
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

import type { Logger } from 'pino';
import type { Agent } from '../agents/agent-directory';
import type { Clock } from '../clock';
import type { Language } from '../config';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import type { ClaimedCall, HumanQueue, Tier } from '../queue/human-queue';
import type { KeyValueStore } from '../store/key-value-store';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import type { WebhookUrls } from '../twilio/webhook-urls';
import type { CallBridge } from './call-bridge';
import { CallLegs } from './call-legs';
import { HandoffTwiml } from './handoff-twiml';

export interface TwilioCallBridgeDeps {
  twilio: TwilioGateway;
  queue: HumanQueue;
  urls: WebhookUrls;
  catalogue: PromptCatalogue;
  clock: Clock;
  /** Links a callback's outbound leg to the queued call (see CallLegs). */
  values: KeyValueStore;
  holdMusicUrl: string;
  log: Logger;
}

/**
 * Makes the phone calls the agent API decides on. A waiting caller's live call is moved out of
 * Twilio's waiting room into a `<Dial>` to the agent (REST call update); a caller who asked for a
 * callback is called back on a new outbound call that dials the agent once answered.
 */
export class TwilioCallBridge implements CallBridge {
  private readonly twiml: HandoffTwiml;
  private readonly legs: CallLegs;

  constructor(private readonly deps: TwilioCallBridgeDeps) {
    this.twiml = new HandoffTwiml(deps.catalogue, deps.urls, deps.holdMusicUrl);
    this.legs = new CallLegs(deps.values);
  }

  async connect(claim: ClaimedCall, agent: Agent): Promise<void> {
    const { call, waitedMs } = claim;
    const log = this.deps.log.child({ callSid: call.callSid, agentId: agent.id });
    if (call.callbackRequested) {
      const twiml = this.twiml.connect(call.language, [{ key: 'agent.callback' }], call.callSid, agent, waitedMs);
      const legSid = await this.deps.twilio.createCall({ to: call.from, twiml, statusCallback: this.deps.urls.status(), forCallSid: call.callSid });
      await this.legs.link(call.callSid, legSid);
      log.info({ legSid }, 'calling back a caller for an agent');
      return;
    }
    const twiml = this.twiml.connect(call.language, [{ key: 'agent.connecting' }], call.callSid, agent, waitedMs);
    await this.deps.twilio.updateCall(call.callSid, { twiml });
    log.info('moving a waiting caller to an agent');
  }

  /** The queue already moved the entry; this only takes the caller from the agent back to waiting. */
  async moveToQueue(callSid: string, queue: Tier, language: Language): Promise<void> {
    const twiml = this.twiml.enqueue(language, [{ key: 'agent.escalating' }], queue);
    await this.deps.twilio.updateCall(await this.legs.live(callSid), { twiml });
  }

  async finish(callSid: string, language: Language): Promise<void> {
    await this.deps.twilio.updateCall(await this.legs.live(callSid), { twiml: this.twiml.survey(language, callSid, 1) });
  }
}

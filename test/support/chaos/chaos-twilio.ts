import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../src/clock';
import { SimulatedTwilioGateway } from '../../../src/twilio/simulated-twilio-gateway';
import { TwilioRequestError } from '../../../src/twilio/twilio-errors';
import type { CallUpdate, OutboundCall } from '../../../src/twilio/twilio-gateway';

/** What one REST request to Twilio did, in the order the instances sent them. */
export type TwilioEvent =
  | { kind: 'call-update'; callSid: string; twiml: string }
  | { kind: 'call'; sid: string; forCallSid: string; to: string; twiml: string }
  | { kind: 'refused'; what: 'call-update' | 'call'; callSid: string; terminal: boolean; code: number };

/**
 * Twilio as every app instance sees it, shared by their gateways: which calls have ended (an
 * update of one fails with 21220, whichever instance asks) and which faults to inject next.
 */
export class ChaosTwilio {
  readonly ended = new Set<string>();
  /** Consumed by the next call update or outbound call of any instance. */
  readonly faults: Array<'terminal' | 'transient'> = [];
  readonly events: TwilioEvent[] = [];
  /** Told when Twilio refuses an update for good because of an injected fault: the caller hung up just then. */
  onInjectedHangUp: (callSid: string) => void = () => undefined;

  gateway(clock: Clock): ChaosGateway {
    return new ChaosGateway(clock, this);
  }
}

export class ChaosGateway extends SimulatedTwilioGateway {
  constructor(
    clock: Clock,
    private readonly world: ChaosTwilio,
  ) {
    super(clock);
  }

  override callEnded(callSid: string): void {
    this.world.ended.add(callSid);
  }

  override async updateCall(callSid: string, update: CallUpdate): Promise<void> {
    const { world } = this;
    if (world.ended.has(callSid)) {
      world.events.push({ kind: 'refused', what: 'call-update', callSid, terminal: true, code: 21220 });
      throw TwilioRequestError.refused('call-update', 21220);
    }
    const fault = world.faults.shift();
    if (fault === 'terminal') {
      // The caller hung up a moment before the update: Twilio refuses it for good.
      world.ended.add(callSid);
      world.events.push({ kind: 'refused', what: 'call-update', callSid, terminal: true, code: 21220 });
      world.onInjectedHangUp(callSid);
      throw TwilioRequestError.refused('call-update', 21220);
    }
    if (fault === 'transient') {
      world.events.push({ kind: 'refused', what: 'call-update', callSid, terminal: false, code: 20500 });
      throw new TwilioRequestError('call-update', 'Twilio error 20500, HTTP 503', { code: 20500, status: 503 });
    }
    await super.updateCall(callSid, update);
    world.events.push({ kind: 'call-update', callSid, twiml: update.twiml ?? '' });
  }

  override async createCall(call: OutboundCall): Promise<string> {
    const { world } = this;
    const forCallSid = call.forCallSid ?? '';
    const fault = world.faults.shift();
    if (fault === 'transient') {
      world.events.push({ kind: 'refused', what: 'call', callSid: forCallSid, terminal: false, code: 20500 });
      throw new TwilioRequestError('call', 'Twilio error 20500, HTTP 503', { code: 20500, status: 503 });
    }
    if (fault === 'terminal') {
      world.events.push({ kind: 'refused', what: 'call', callSid: forCallSid, terminal: true, code: 21217 });
      throw TwilioRequestError.refused('call', 21217);
    }
    let sid: string;
    try {
      sid = await super.createCall(call);
    } catch (error) {
      world.events.push({ kind: 'refused', what: 'call', callSid: forCallSid, terminal: true, code: (error as TwilioRequestError).code ?? 0 });
      throw error;
    }
    world.events.push({ kind: 'call', sid, forCallSid, to: call.to, twiml: call.twiml ?? '' });
    return sid;
  }
}

export function newSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

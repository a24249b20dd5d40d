import { smsOfCall } from '../../scripts/lib/dev-outbox';
import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { recordingDesk } from './recording-desk';
import { startTestHotline, type TestHotline } from './test-app';

export type Language = 'zh-CN' | 'en-US';

/** Every <Say> the caller heard, including those nested in the Gather. */
export { says } from '../../scripts/lib/twiml-reader';

/**
 * For a describe block of menu tests through the webhooks: one hotline for the block, started
 * before its tests and closed after them. Menu behaviour is tested against a desk that declines;
 * the queue has its own tests.
 */
export function menuCallsWithDecliningDesk() {
  const { desk, handoffsOf } = recordingDesk();
  let hotline: TestHotline | undefined;
  beforeAll(async () => {
    hotline = await startTestHotline({ deps: { desk } });
  });
  afterAll(() => hotline?.close());

  const started = (): TestHotline => {
    if (!hotline) throw new Error('the hotline starts in beforeAll: use it inside a test');
    return hotline;
  };
  return {
    get hotline(): TestHotline {
      return started();
    },
    /** The hand-offs this call asked the desk for, in order. */
    handoffsOf,
    /** The SMS this call sent. */
    smsFor: (call: TwilioCallDriver) => smsOfCall(started().twilio.outbox(), call.callSid),
    /** A call that has heard the welcome, in Mandarin or (after 9) English. */
    async callIn(language: Language): Promise<TwilioCallDriver> {
      const call = await started().call().dial();
      if (language === 'en-US') await call.press('9');
      return call;
    },
  };
}

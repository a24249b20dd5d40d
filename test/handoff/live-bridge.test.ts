import nock from 'nock';
import pino from 'pino';
import type { Agent } from '../../src/agents/agent-directory';
import { TwilioCallBridge } from '../../src/handoff/agent-leg/twilio-call-bridge';
import { LiveTwilioGateway } from '../../src/twilio/live-twilio-gateway';
import { TwimlRenderer } from '../../src/twilio/twiml-renderer';
import { WebhookUrls } from '../../src/twilio/webhook-urls';
import { readTwiml } from '../../scripts/lib/twiml-reader';
import { catalogue, startTestHotline, TEST_BASE_URL, type TestHotline } from '../support/test-app';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const alice: Agent = { id: 'alice', name: 'Alice', tiers: ['tier1'], supervisor: false, contact: { kind: 'client', identity: 'alice' }, language: 'zh-CN' };

describe('TwilioCallBridge through the live REST gateway (nock)', () => {
  let hotline: TestHotline;
  beforeAll(async () => {
    hotline = await startTestHotline();
  });
  afterAll(async () => {
    nock.cleanAll();
    await hotline.close();
  });

  it('moves the waiting caller into a <Dial> to the agent with a Calls/{sid}.json update carrying Twiml', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    const claim = await hotline.records.claim('alice', ['tier1']);
    if (claim.kind !== 'claimed') throw new Error('expected the caller to be claimed');
    const urls = new WebhookUrls(TEST_BASE_URL);
    const bridge = new TwilioCallBridge({
      twilio: new LiveTwilioGateway(ACCOUNT, 'live-token', '+8640000000000'),
      renderer: new TwimlRenderer(catalogue, urls, hotline.config.holdMusicUrl),
      urls,
      values: hotline.store.values,
      log: pino({ level: 'silent' }),
      agentRingSeconds: 20,
      callbackRingSeconds: 30,
    });
    let form: URLSearchParams | undefined;
    const scope = nock('https://api.twilio.com')
      .post(`/2010-04-01/Accounts/${ACCOUNT}/Calls/${call.callSid}.json`, (body: string | Record<string, string>) => {
        form = new URLSearchParams(body as Record<string, string>);
        return true;
      })
      .reply(200, { sid: call.callSid, status: 'in-progress' });

    await bridge.connect({ record: claim.record, token: claim.token, waitedMs: claim.waitedMs }, alice);
    expect(scope.isDone()).toBe(true);
    const twiml = form!.get('Twiml')!;
    expect(twiml.length).toBeLessThanOrEqual(4000);
    const dial = readTwiml(twiml).find((verb) => verb.verb === 'Dial');
    expect(dial).toMatchObject({
      target: 'Client:alice',
      action: `${TEST_BASE_URL}/voice/agent/dial-ended?call=${call.callSid}&agent=alice&token=${claim.token}&lang=zh-CN`,
    });
    expect(twiml).toContain('timeout="20"');
  });
});

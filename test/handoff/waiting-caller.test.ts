import type { Agent } from '../../src/agents/agent-directory';
import { StoreCallOutcomes } from '../../src/handoff/store-call-outcomes';
import { createAgentSide } from '../../src/handoff/handoff-module';
import { readTwiml } from '../../scripts/lib/twiml-reader';
import pino from 'pino';
import { catalogue, prompt, startTestHotline, TEST_BASE_URL, type TestHotline } from '../support/test-app';

const alice: Agent = { id: 'alice', name: 'Alice', tiers: ['tier1'], contact: { kind: 'client', identity: 'alice' } };
const carol: Agent = { id: 'carol', name: 'Carol', tiers: ['tier2'], contact: { kind: 'phone', number: '+8613900000003' } };

describe('the caller side of the human hand-off (simulate mode, Redis)', () => {
  let hotline: TestHotline;
  let side: ReturnType<typeof createAgentSide>;
  beforeEach(async () => {
    hotline = await startTestHotline();
    side = createAgentSide({
      config: hotline.config,
      store: hotline.store,
      twilio: hotline.twilio,
      catalogue,
      clock: hotline.clock,
      log: pino({ level: 'silent' }),
    });
  });
  afterEach(() => hotline.close());

  const outbox = (kind: string) => hotline.twilio.outbox().filter((entry) => entry.kind === kind);

  it('press 0 → queued with position → waits with OUR position → agent → survey stored', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    expect(call.heard).toEqual([prompt('queue.transferringFirst')]);
    const enqueue = call.verbs.find((verb) => verb.verb === 'Enqueue');
    expect(enqueue).toMatchObject({ queue: 'tier1', waitUrl: `${TEST_BASE_URL}/voice/queue/wait`, action: `${TEST_BASE_URL}/voice/queue/left` });
    expect((await hotline.store.queue.list('tier1')).map((c) => c.callSid)).toEqual([call.callSid]);

    await hotline.store.queue.recordWait('tier1', 150_000, hotline.clock.now());
    await call.send(`${TEST_BASE_URL}/voice/queue/wait`, { QueuePosition: '7', QueueTime: '3' });
    expect(call.heard).toEqual([prompt('queue.position', 'zh-CN', { position: 1, minutes: 3 })]);
    expect(call.gather).toMatchObject({ action: `${TEST_BASE_URL}/voice/queue/wait-key`, numDigits: 1 });
    expect(call.verbs.at(-1)).toEqual({ verb: 'Play', url: hotline.config.holdMusicUrl });

    const claim = await hotline.store.queue.claim(['tier1'], 'alice', hotline.clock.now(), 30_000);
    await side.bridge.connect(claim!, alice);
    const update = outbox('call-update').at(-1) as { callSid: string; twiml: string };
    expect(update.callSid).toBe(call.callSid);
    const dial = readTwiml(update.twiml).find((verb) => verb.verb === 'Dial') as { target: string; action: string };
    expect(dial.target).toBe('Client:alice');
    expect(dial.action).toContain('/voice/agent/dial-ended?');
    const answeredUrl = /url="([^"]+)"/.exec(update.twiml)![1]!.replace(/&amp;/g, '&');

    const agentLeg = hotline.call({ from: call.from, to: 'client:alice' });
    await agentLeg.send(answeredUrl, { CallStatus: 'in-progress' });
    expect(agentLeg.verbs).toEqual([]);
    expect(await hotline.store.queue.getEntry(call.callSid)).toMatchObject({ state: 'connected', agentId: 'alice' });

    await call.send(dial.action, { DialCallStatus: 'completed', DialCallDuration: '120' });
    expect(call.heard).toEqual([prompt('survey.question')]);
    await call.press('4');
    expect(call.heard).toEqual([prompt('survey.thanks')]);
    expect(call.verbs.at(-1)).toEqual({ verb: 'Hangup' });
    expect(await new StoreCallOutcomes(hotline.store.values).get(call.callSid)).toEqual({ callSid: call.callSid, survey: 4 });
  });

  it('a caller who hangs up while waiting leaves the queue at once', async () => {
    const call = await hotline.call().dial();
    await call.press('0');
    expect(await call.hangUp()).toBe(204);
    expect(await hotline.store.queue.list('tier1')).toEqual([]);
  });
});

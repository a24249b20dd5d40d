import { startTestHotline, type TestHotline } from '../support/test-app';

describe('GET /dev/outbox (simulate mode)', () => {
  let hotline: TestHotline;
  beforeAll(async () => {
    hotline = await startTestHotline({ store: 'memory' });
  });
  afterAll(() => hotline.close());

  /** A call that presses 3, 1, 1: the tech-support steps by SMS. */
  async function callWithSms() {
    const call = await hotline.call().dial();
    for (const key of ['3', '1', '1']) await call.press(key);
    return call;
  }

  it('?callSid= answers only the entries of that call', async () => {
    const first = await callWithSms();
    const second = await callWithSms();
    const all = await hotline.app.inject({ method: 'GET', url: '/dev/outbox' });
    expect(all.json()).toHaveLength(2);
    const only = await hotline.app.inject({ method: 'GET', url: `/dev/outbox?callSid=${second.callSid}` });
    expect(only.statusCode).toBe(200);
    expect(only.json()).toEqual([expect.objectContaining({ kind: 'sms', callSid: second.callSid })]);
    expect(only.json()).not.toContainEqual(expect.objectContaining({ callSid: first.callSid }));
  });

  it('a malformed callSid is refused with 400', async () => {
    const answer = await hotline.app.inject({ method: 'GET', url: '/dev/outbox?callSid=nope' });
    expect(answer.statusCode).toBe(400);
  });
});

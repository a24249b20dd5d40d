import { Writable } from 'node:stream';
import { createLogger, maskPhone } from '../../src/logging/logger';

/** A pino destination that keeps every line. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, text: () => lines.join('\n'), records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the logger', () => {
  it('censors what callers type or say, who they are, and credentials, at the top level and one level down', () => {
    const out = capture();
    const log = createLogger('debug', out.stream);
    log.info({ Digits: '123456', SpeechResult: '我的密码是123456', From: '+8613800000001', pin: '654321', code: '111222', token: 'alice-demo-token' }, 'top');
    log.info({ body: { Digits: '987654', From: '+8613800000002', Caller: '+8613800000003' }, args: { pin: '246810', code: '135790' } }, 'nested');
    log.info({ req: { headers: { authorization: 'Bearer bob-demo-token', 'x-twilio-signature': 'c2lnbmF0dXJl' } } }, 'request');
    for (const secret of ['123456', '我的密码', '13800000001', '654321', '111222', 'alice-demo-token', '987654', '13800000002', '13800000003', '246810', '135790', 'bob-demo-token', 'c2lnbmF0dXJl']) {
      expect(out.text()).not.toContain(secret);
    }
    const [top, nested] = out.records();
    expect(top).toMatchObject({ Digits: '[redacted]', From: '[redacted]', pin: '[redacted]', msg: 'top' });
    expect(nested).toMatchObject({ body: { Digits: '[redacted]', Caller: '[redacted]' }, args: { pin: '[redacted]' } });
  });

  it("censors the event stream's ?token= in Fastify's request line and keeps the rest of it", () => {
    const out = capture();
    createLogger('info', out.stream).info({ req: { method: 'GET', url: '/agent/events?lang=en&token=carol-demo-token', host: 'h', ip: '10.1.2.3' } }, 'incoming request');
    expect(out.text()).not.toContain('carol-demo-token');
    expect(out.records()[0]).toMatchObject({ req: { method: 'GET', url: '/agent/events?lang=en&token=[redacted]', remoteAddress: '10.1.2.3' } });
  });

  it('keeps what operators need: the CallSid and the message', () => {
    const out = capture();
    createLogger('info', out.stream).child({ callSid: 'CA0123' }).warn({ walletId: 'W-1' }, 'identity: wrong PIN');
    expect(out.records()[0]).toMatchObject({ callSid: 'CA0123', walletId: 'W-1', msg: 'identity: wrong PIN', level: 40 });
  });

  it('masks a phone number to its country code and last four digits', () => {
    expect(maskPhone('+8613800000001')).toBe('+86*****0001');
    expect(maskPhone('13800000001')).toBe('13*****0001');
    expect(maskPhone('123')).toBe('****');
  });
});

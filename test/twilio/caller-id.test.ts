import { callerNumber, isDialable, STRANGER } from '../../src/twilio/caller-id';
import { callFields } from '../../src/twilio/webhook-bodies';

/** SPEC §3 "Withheld numbers": the one normalisation of `From`, applied when a webhook is parsed. */
describe('the caller ID as the hotline uses it', () => {
  it.each(['+266696687', '+7378742833', '+86282452253', 'anonymous', 'ANONYMOUS', 'Restricted', 'unavailable', 'Unknown', 'PRIVATE', '', '   ', 'sip:alice@pbx.example.com', 'client:web-visitor', '8613800000001', '+0123456789', '+86 138 0000 0001'])(
    '%p is a stranger',
    (from) => {
      expect(isDialable(from)).toBe(false);
      expect(callerNumber(from)).toBe(STRANGER);
    },
  );

  it.each(['+8613800000001', '+14155550123', '+861088886666'])('%p is a caller ID', (from) => {
    expect(callerNumber(from)).toBe(from);
    expect(callerNumber(` ${from} `)).toBe(from);
  });

  const body = (fields: Record<string, string>) => callFields.safeParse({ CallSid: `CA${'a'.repeat(32)}`, ...fields });

  it('webhook bodies carry the normalised caller: placeholders and URIs up to 256 characters become strangers', () => {
    const sip = `sip:${'x'.repeat(236)}@pbx.example.com`;
    expect(sip.length).toBe(256);
    expect(body({ From: sip, StirVerstat: 'x'.repeat(256) })).toMatchObject({ success: true, data: { From: STRANGER, StirVerstat: 'x'.repeat(256) } });
    expect(body({ From: 'Anonymous' })).toMatchObject({ success: true, data: { From: STRANGER } });
    expect(body({})).toMatchObject({ success: true, data: { From: STRANGER, To: '' } });
    expect(body({ From: '+8613800000001' })).toMatchObject({ success: true, data: { From: '+8613800000001' } });
  });

  it('longer than 256 characters is not a Twilio caller ID: the body is refused', () => {
    expect(body({ From: `sip:${'x'.repeat(253)}` }).success).toBe(false);
    expect(body({ StirVerstat: 'x'.repeat(257) }).success).toBe(false);
  });
});

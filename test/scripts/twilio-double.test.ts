import twilio from 'twilio';
import { callMoveOf, smsOfCall, type OutboxEntry } from '../../scripts/lib/dev-outbox';
import {
  callFields,
  keypadFields,
  newCallSid,
  queueResultFields,
  queueWaitFields,
  signedRequest,
  webhookHeaders,
} from '../../scripts/lib/twilio-form';
import { gatherAction, readTwiml, spokenText } from '../../scripts/lib/twiml-reader';

describe('the Twilio double: what it posts', () => {
  const call = { callSid: newCallSid(), from: '+8613800000001', to: '+8640000000000' };

  it('a CallSid is CA and 32 hex digits', () => {
    expect(newCallSid()).toMatch(/^CA[0-9a-f]{32}$/);
  });

  it('every webhook carries the call fields; the call extras and the webhook fields come on top', () => {
    const form = callFields({ ...call, extra: { StirVerstat: 'TN-Validation-Passed-A' } }, { Digits: '3' });
    expect(form).toMatchObject({
      AccountSid: expect.stringMatching(/^AC[0-9a-f]{32}$/),
      ApiVersion: '2010-04-01',
      CallSid: call.callSid,
      From: call.from,
      Caller: call.from,
      To: call.to,
      Called: call.to,
      Direction: 'inbound',
      StirVerstat: 'TN-Validation-Passed-A',
      Digits: '3',
    });
  });

  it('the signature is the one twilio-node validates, over the exact URL and every field', () => {
    const url = 'https://hotline.example.test/voice/gather?rev=2';
    const { form, signature } = signedRequest('token', url, callFields(call, { Digits: '3' }));
    expect(twilio.validateRequest('token', signature, url, form)).toBe(true);
    expect(twilio.validateRequest('token', signature, url.replace('rev=2', 'rev=3'), form)).toBe(false);
    expect(twilio.validateRequest('token', signature, url, { ...form, Digits: '4' })).toBe(false);
    expect(twilio.validateRequest('other', signature, url, form)).toBe(false);
  });

  it('headers: a form post, signed unless told otherwise', () => {
    expect(webhookHeaders('sig')).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'sig' });
    expect(webhookHeaders(undefined, 'text/plain')).not.toHaveProperty('x-twilio-signature');
  });

  it('keys at a Gather: finishOnKey ends the input, numDigits caps it', () => {
    expect(keypadFields({}, '123456#')).toEqual({ Digits: '123456', FinishedOnKey: '#' });
    expect(keypadFields({}, '#')).toEqual({ Digits: '#' });
    expect(keypadFields({ numDigits: 1 }, '34')).toEqual({ Digits: '3' });
    expect(keypadFields({ finishOnKey: '*' }, '12*')).toEqual({ Digits: '12', FinishedOnKey: '*' });
  });

  it('queue webhooks carry the queue figures', () => {
    expect(queueWaitFields({ queueSid: 'QU1', position: 2, queueTimeSeconds: 30, size: 3 })).toMatchObject({
      QueueSid: 'QU1',
      QueuePosition: '2',
      QueueTime: '30',
      CurrentQueueSize: '3',
    });
    expect(queueResultFields('QU1', 'hangup', 12)).toEqual({ QueueResult: 'hangup', QueueSid: 'QU1', QueueTime: '12' });
  });
});

describe('the Twilio double: how it reads answers', () => {
  it('the fast gather action agrees with the full TwiML reader', () => {
    const response = new twilio.twiml.VoiceResponse();
    const gather = response.gather({ action: 'https://hotline.example.test/voice/gather?rev=2&x=1', numDigits: 1 });
    gather.say('Hello & welcome');
    response.redirect('https://hotline.example.test/voice/no-input?rev=2');
    const xml = response.toString();
    const verbs = readTwiml(xml);
    expect(gatherAction(xml)).toBe((verbs[0] as { action: string }).action);
    expect(gatherAction(xml)).toBe('https://hotline.example.test/voice/gather?rev=2&x=1');
    expect(spokenText(verbs)).toEqual(['Hello & welcome']);
    expect(gatherAction('<Response><Hangup/></Response>')).toBeUndefined();
  });

  it('the outbox: SMS of a call, and the call updates that move it', () => {
    const at = '2026-11-25T10:00:00.000Z';
    const entries: OutboxEntry[] = [
      { kind: 'sms', to: '+8613800000001', body: 'hi', callSid: 'CA1', at },
      { kind: 'call-update', callSid: 'CA1', twiml: '<Response/>', at },
      { kind: 'call-update', callSid: 'CA1', status: 'completed', at },
      { kind: 'call-update', callSid: 'CA2', url: 'https://x.test/next', at },
    ];
    expect(smsOfCall(entries, 'CA1')).toEqual([entries[0]]);
    expect(entries.map((entry) => callMoveOf(entry, 'CA1'))).toEqual([undefined, { kind: 'twiml', twiml: '<Response/>' }, { kind: 'ended' }, undefined]);
    expect(callMoveOf(entries[3]!, 'CA2')).toEqual({ kind: 'url', url: 'https://x.test/next' });
  });
});

import nock from 'nock';
import pino from 'pino';
import RestException from 'twilio/lib/base/RestException';
import { createLogger } from '../../src/logging/logger';
import { LiveTwilioGateway } from '../../src/twilio/live-twilio-gateway';
import { PatientTwilioGateway, TWILIO_BUDGET_MS, type PatienceListener } from '../../src/twilio/patient-twilio-gateway';
import { SimulatedTwilioGateway } from '../../src/twilio/simulated-twilio-gateway';
import type { TwilioGateway } from '../../src/twilio/twilio-gateway';

const ACCOUNT = `AC${'c'.repeat(32)}`;
const CALL = `CA${'d'.repeat(32)}`;
const API = 'https://api.twilio.com';
const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
const CALL_UPDATE = `/2010-04-01/Accounts/${ACCOUNT}/Calls/${CALL}.json`;
const PHONE = '+8613800000001';

type LogLine = { level: number; msg: string; callSid?: string; twilioCode?: number | null; attempt?: number; [field: string]: unknown };
const WARN = 40;
const ERROR = 50;

/** The hotline's own logger (with its redaction), writing to memory. */
function memoryLog() {
  const lines: LogLine[] = [];
  const log = createLogger('debug', { write: (line: string) => lines.push(JSON.parse(line) as LogLine) } as pino.DestinationStream);
  return { log, lines, at: (level: number) => lines.filter((line) => line.level === level) };
}

function rest(status: number, code: number) {
  return new RestException({ statusCode: status, body: { code, message: `The 'To' number ${PHONE} is not valid`, status } });
}

/** Answers each request after `after` ms, with the next step of the script (the last one repeats). */
class ScriptedGateway implements TwilioGateway {
  readonly mode = 'live' as const;
  readonly requests: string[] = [];
  constructor(private readonly script: Array<{ after: number; fail?: unknown }>) {}

  sendSms(): Promise<void> {
    return this.step('sms');
  }
  updateCall(): Promise<void> {
    return this.step('call-update');
  }
  async createCall(): Promise<string> {
    await this.step('call');
    return CALL;
  }
  private step(what: string): Promise<void> {
    this.requests.push(what);
    const next = this.script[Math.min(this.requests.length, this.script.length) - 1]!;
    return new Promise((resolve, reject) => setTimeout(() => (next.fail === undefined ? resolve() : reject(next.fail)), next.after));
  }
}

function counting() {
  const counts = { pending: 0, retrying: 0, completedLate: 0, failed: 0 };
  const listener: PatienceListener = {
    pending: () => void counts.pending++,
    retrying: () => void counts.retrying++,
    completedLate: () => void counts.completedLate++,
    failed: () => void counts.failed++,
  };
  return { counts, listener };
}

afterEach(() => nock.cleanAll());

describe('PatientTwilioGateway', () => {
  it('passes a fast answer through, success or error, without retrying a terminal refusal', async () => {
    const { log, at } = memoryLog();
    const fast = new PatientTwilioGateway(new ScriptedGateway([{ after: 5 }]), { log });
    await expect(fast.trySendSms({ to: PHONE, body: 'hi', callSid: CALL })).resolves.toEqual({ status: 'done', value: undefined });
    await expect(fast.updateCall(CALL, { twiml: '<Response/>' })).resolves.toBeUndefined();
    await expect(fast.createCall({ to: PHONE, twiml: '<Response/>' })).resolves.toBe(CALL);

    const refusing = new ScriptedGateway([{ after: 5, fail: rest(400, 21211) }]);
    const gateway = new PatientTwilioGateway(refusing, { log, retryDelaysMs: [10, 10, 10] });
    await expect(gateway.sendSms({ to: PHONE, body: 'hi', callSid: CALL })).rejects.toMatchObject({ code: 21211, terminal: true });
    expect(refusing.requests).toEqual(['sms']);
    // The caller got the error and reports it; the gateway notes it at warn only, with the code.
    expect(at(ERROR)).toEqual([]);
    expect(at(WARN)).toEqual([expect.objectContaining({ callSid: CALL, twilioCode: 21211, msg: 'Twilio request failed (refused for good)' })]);
  });

  it('through the live gateway: a slow answer leaves the caller with "pending" at the 2 s budget, and the request still completes', async () => {
    const { log, lines } = memoryLog();
    const { counts, listener } = counting();
    const gateway = new PatientTwilioGateway(new LiveTwilioGateway(ACCOUNT, 'token', '+15005550006'), { log, listener });
    expect(TWILIO_BUDGET_MS).toBe(2000);
    // "Twilio" holds its answer until the test lets it go, and the budget runs on jest's clock: the
    // test proves the caller waits exactly the budget, however slow the machine (no wall-clock bound).
    let body: Record<string, string> | undefined;
    let answer: (() => void) | undefined;
    const scope = nock(API)
      .post(MESSAGES, (posted: Record<string, string>) => {
        body = posted;
        return true;
      })
      .reply((_uri, _body, respond) => {
        answer = () => respond(null, [201, { sid: `SM${'e'.repeat(32)}`, status: 'queued' }]);
      });
    // Only the timers (nock's own are the real ones, captured from node:timers; sockets need the immediates).
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
    try {
      let outcome: Awaited<ReturnType<typeof gateway.trySendSms>> | undefined;
      void gateway.trySendSms({ to: PHONE, body: 'Your refund is on its way', callSid: CALL }).then((result) => (outcome = result));
      for (let spins = 0; spins < 10_000 && !answer; spins++) await new Promise((resolve) => setImmediate(resolve));
      expect(scope.isDone()).toBe(true); // the request reached "Twilio"…
      await jest.advanceTimersByTimeAsync(TWILIO_BUDGET_MS - 1);
      expect(outcome).toBeUndefined(); // …and the caller still waits within the budget…
      await jest.advanceTimersByTimeAsync(1);
      expect(outcome?.status).toBe('pending'); // …and not a moment longer,
      expect(gateway.backgroundCount).toBe(1); // while Twilio has not answered.

      if (outcome?.status !== 'pending') throw new Error('unreachable');
      answer!();
      await expect(outcome.settled).resolves.toEqual({ status: 'done', value: undefined });
    } finally {
      jest.useRealTimers();
    }
    expect(body).toMatchObject({ To: PHONE, Body: 'Your refund is on its way' });
    expect(counts).toEqual({ pending: 1, retrying: 0, completedLate: 1, failed: 0 });
    expect(lines.map((line) => line.msg)).toEqual([
      'Twilio did not answer within the budget; carrying on in the background',
      'Twilio request completed in the background',
    ]);
    expect(gateway.backgroundCount).toBe(0);
  }, 10_000);

  it('resolves sendSms and updateCall when the budget runs out (the SMS path then says "sent")', async () => {
    const { log } = memoryLog();
    const slow = new ScriptedGateway([{ after: 300 }]);
    const gateway = new PatientTwilioGateway(slow, { log, budgetMs: 50 });
    // Both at once: each resolves when its budget runs out, while both requests still run (no wall-clock bound).
    await expect(Promise.all([gateway.sendSms({ to: PHONE, body: 'hi', callSid: CALL }), gateway.updateCall(CALL, { twiml: '<Response/>' })])).resolves.toEqual([
      undefined,
      undefined,
    ]);
    expect(gateway.backgroundCount).toBe(2);
    await gateway.idle();
    expect(gateway.backgroundCount).toBe(0);
  });

  it('through the live gateway: retries transient failures (503, a reset socket) and succeeds, within the budget', async () => {
    const { log, at } = memoryLog();
    const { counts, listener } = counting();
    const gateway = new PatientTwilioGateway(new LiveTwilioGateway(ACCOUNT, 'token', '+15005550006'), { log, listener, retryDelaysMs: [20, 40, 80] });
    const scope = nock(API)
      .post(CALL_UPDATE)
      .reply(503, { code: 20503, message: 'Service Unavailable' })
      .post(CALL_UPDATE)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .post(CALL_UPDATE)
      .reply(200, { sid: CALL, status: 'in-progress' });

    await expect(gateway.tryUpdateCall(CALL, { twiml: '<Response><Dial>+8640000000000</Dial></Response>' })).resolves.toEqual({ status: 'done', value: undefined });
    expect(scope.isDone()).toBe(true);
    expect(counts).toEqual({ pending: 0, retrying: 2, completedLate: 0, failed: 0 });
    expect(at(WARN)).toEqual([
      expect.objectContaining({ callSid: CALL, operation: 'call-update', attempt: 1, twilioStatus: 503, retryInMs: 20, msg: 'Twilio request failed; retrying' }),
      expect.objectContaining({ callSid: CALL, operation: 'call-update', attempt: 2, twilioStatus: null, retryInMs: 40, msg: 'Twilio request failed; retrying' }),
    ]);
    expect(at(ERROR)).toEqual([]);
  });

  it('through the live gateway: never retries a terminal refusal, in the background either', async () => {
    const { log, at } = memoryLog();
    const { counts, listener } = counting();
    const gateway = new PatientTwilioGateway(new LiveTwilioGateway(ACCOUNT, 'token', '+15005550006'), { log, listener, budgetMs: 100, retryDelaysMs: [10, 10, 10] });
    nock(API).post(CALL_UPDATE).delay(300).reply(400, { code: 21220, message: 'Call is not in-progress. Cannot redirect.' });
    const retry = nock(API).post(CALL_UPDATE).reply(200, { sid: CALL });

    const outcome = await gateway.tryUpdateCall(CALL, { twiml: '<Response/>' });
    expect(outcome.status).toBe('pending');
    if (outcome.status !== 'pending') throw new Error('unreachable');
    const settled = await outcome.settled;
    expect(settled).toMatchObject({ status: 'failed', error: { code: 21220, terminal: true } });
    expect(retry.isDone()).toBe(false);
    expect(counts).toEqual({ pending: 1, retrying: 0, completedLate: 0, failed: 1 });
    // Nobody else can report it now: at error, with the CallSid.
    expect(at(ERROR)).toEqual([
      expect.objectContaining({ callSid: CALL, twilioCode: 21220, attempt: 1, msg: 'Twilio request failed in the background (refused for good)' }),
    ]);
  });

  it('bounds the retries: after the last one the failure is logged at error with the CallSid', async () => {
    const { log, at, lines } = memoryLog();
    const { counts, listener } = counting();
    const down = new ScriptedGateway([{ after: 5, fail: rest(503, 20503) }]);
    const gateway = new PatientTwilioGateway(down, { log, listener, budgetMs: 40, retryDelaysMs: [10, 20, 40] });

    const outcome = await gateway.trySendSms({ to: PHONE, body: 'Your code is 314159', callSid: CALL });
    expect(outcome.status).toBe('pending');
    await gateway.idle();
    expect(down.requests).toEqual(['sms', 'sms', 'sms', 'sms']);
    expect(counts).toEqual({ pending: 1, retrying: 3, completedLate: 0, failed: 1 });
    expect(at(WARN).filter((line) => line.msg === 'Twilio request failed; retrying').map((line) => line.attempt)).toEqual([1, 2, 3]);
    expect(at(ERROR)).toEqual([
      expect.objectContaining({ callSid: CALL, operation: 'sms', attempt: 4, twilioStatus: 503, msg: 'Twilio request failed in the background (retries used up)' }),
    ]);
    // Neither the number nor the message reaches the logs (Twilio's own error text quotes the number).
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(PHONE);
    expect(logged).not.toContain('314159');
  });

  it('gives the caller the error when the retries are used up within the budget', async () => {
    const { log, at } = memoryLog();
    const down = new ScriptedGateway([{ after: 1, fail: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }]);
    // A budget far beyond the retries' 10 ms, so a loaded machine still ends the retries inside it.
    const gateway = new PatientTwilioGateway(down, { log, budgetMs: 10_000, retryDelaysMs: [5, 5] });
    await expect(gateway.sendSms({ to: PHONE, body: 'hi' })).rejects.toMatchObject({ transient: true, message: expect.stringContaining('ECONNREFUSED') });
    expect(down.requests).toHaveLength(3);
    expect(at(ERROR)).toEqual([]);
  });

  it('neither budgets nor retries an outbound call: it needs the sid, and a retry could ring twice', async () => {
    const { log } = memoryLog();
    const slowThenDown = new ScriptedGateway([{ after: 150 }, { after: 5, fail: rest(503, 20503) }]);
    const gateway = new PatientTwilioGateway(slowThenDown, { log, budgetMs: 50, retryDelaysMs: [5] });
    await expect(gateway.createCall({ to: PHONE, twiml: '<Response/>' })).resolves.toBe(CALL);
    await expect(gateway.createCall({ to: PHONE, twiml: '<Response/>' })).rejects.toMatchObject({ operation: 'call', status: 503, transient: true });
    expect(slowThenDown.requests).toEqual(['call', 'call']);
  });

  it('tells the simulated gateway that a call ended, whose updates then fail with 21220 at once', async () => {
    const { log } = memoryLog();
    const simulated = new SimulatedTwilioGateway({ now: () => 0 });
    const gateway = new PatientTwilioGateway(simulated, { log, retryDelaysMs: [10, 10, 10] });
    expect(gateway.mode).toBe('simulate');
    expect(gateway.inner).toBe(simulated);
    gateway.callEnded(CALL);
    await expect(gateway.updateCall(CALL, { twiml: '<Response/>' })).rejects.toMatchObject({ code: 21220, terminal: true });
    expect(simulated.outbox().map((entry) => entry.kind)).toEqual(['refused']);
  });

  it('ignores a listener that throws', async () => {
    const { log } = memoryLog();
    const explode = () => {
      throw new Error('metrics down');
    };
    const gateway = new PatientTwilioGateway(new ScriptedGateway([{ after: 100 }]), { log, budgetMs: 10, listener: { pending: explode, completedLate: explode } });
    const outcome = await gateway.trySendSms({ to: PHONE, body: 'hi' });
    if (outcome.status !== 'pending') throw new Error(`expected pending, got ${outcome.status}`);
    await expect(outcome.settled).resolves.toEqual({ status: 'done', value: undefined });
  });
});

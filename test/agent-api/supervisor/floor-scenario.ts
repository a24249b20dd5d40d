import type { TwilioCallDriver } from '../../../scripts/lib/twilio-call-driver';
import type { RecordsHotline } from '../../records/records-kit';
import { ALICE, BOB } from '../agent-test-kit';

/** When the scenario starts: the test clock's start, Wednesday 2026-11-25, 10:00 in Shanghai (open hours). */
export const SCENARIO_START = Date.parse('2026-11-25T10:00:00+08:00');
/** An instant of the scenario, `seconds` after its start, as the API writes it. */
export const scenarioAt = (seconds: number) => new Date(SCENARIO_START + seconds * 1000).toISOString();

/** A caller queues; `token`'s agent (marked available) takes them after `waitMs` and answers. Returns the call and its dial. */
async function answeredAfter(hotline: RecordsHotline, token: string, from: string, waitMs: number) {
  const call = await hotline.waitingCaller(from);
  await hotline.available(token);
  hotline.clock.advance(waitMs);
  expect((await hotline.claim(token)).statusCode).toBe(200);
  return { call, dial: await hotline.agentAnswers() };
}

/** The conversation lasts `talkMs`, then the agent's leg ends and the caller hangs up. */
async function talkAndEnd(hotline: RecordsHotline, answered: { call: TwilioCallDriver; dial: { action: string } }, talkMs: number) {
  hotline.clock.advance(talkMs);
  await answered.call.send(answered.dial.action, { DialCallStatus: 'completed' });
  await answered.call.hangUp();
}

export interface Floor {
  contained: TwilioCallDriver;
  /** Alice answered B after 10 s, talked 60 s and wrapped up. */
  b: TwilioCallDriver;
  /** Bob answered C after 30 s, talked 120 s; the call ended at 285 s, not wrapped up yet. */
  c: TwilioCallDriver;
  /** D hung up after 15 s on hold. */
  d: TwilioCallDriver;
  /** Alice answered E after 5 s, at 305 s, and is still talking. */
  e: TwilioCallDriver;
}

/**
 * A morning on the floor, as whole calls through the webhooks and the agent API, 305 s long: a
 * call the IVR solved, callers answered within (10 s, 5 s) and beyond (30 s) the 20 s service
 * level, one who gave up; Alice ends on a call, Bob in wrap-up, Carol away.
 */
export async function playTheFloor(hotline: RecordsHotline): Promise<Floor> {
  const contained = await hotline.call({ from: '+8613900000001' }).dial();
  await contained.press('3');
  await contained.press('1');
  hotline.clock.advance(65_000);
  await contained.hangUp();

  const b = await answeredAfter(hotline, ALICE, '+8613900000002', 10_000);
  await talkAndEnd(hotline, b, 60_000);
  expect((await hotline.wrapUp(ALICE, b.call.callSid, '已解答')).statusCode).toBe(204);

  const c = await answeredAfter(hotline, BOB, '+8613900000003', 30_000);
  await talkAndEnd(hotline, c, 120_000);

  const d = await hotline.waitingCaller('+8613900000004');
  hotline.clock.advance(15_000);
  await d.hangUp();

  const e = await answeredAfter(hotline, ALICE, '+8613900000005', 5_000);
  return { contained, b: b.call, c: c.call, d, e: e.call };
}

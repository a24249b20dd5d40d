import type { Command, Delivery } from '../support/chaos/chaos-commands';
import { runChaos } from '../support/chaos/chaos-run';

/**
 * Hand-written runs of the chaos model (test/support/chaos/), each a case a random run once found
 * or the model once judged wrongly. They run the same three instances and invariants, so a run
 * that throws names the broken invariant; the end reasons show what the model accepted.
 */
describe('chaos scenarios replayed by hand', () => {
  /**
   * A caller asks for a callback and hangs up (their own call: `inbound`); the callback is
   * answered, the agent escalates, and the caller hangs up on the callback's leg while waiting
   * in tier2, with its status callback and `<Enqueue action>` delivered as given.
   */
  function escalatedCallbackHangsUp(inbound: Delivery, status: Delivery, action: Delivery): Command[] {
    return [
      { t: 'join', i: 0 },
      { t: 'press1', c: 0, i: 0 },
      { t: 'hangUp', c: 0, i: 0, status: inbound, action: inbound },
      { t: 'claim', a: 0, i: 0, double: false },
      { t: 'calleeAnswers', c: 0 },
      { t: 'answer', c: 0, i: 1, twice: false },
      { t: 'escalate', a: 0, c: 0, i: 2, mode: 'once' },
      { t: 'hangUp', c: 0, i: 1, status, action },
      { t: 'advance', ms: 185_000, sweep: [0] },
    ];
  }

  it.each([
    // Seed 188091702, path 1:0:1:1:6: the leg's status callback was ignored and the caller reaped as a ghost.
    { inbound: 'now', status: 'now', action: 'lost', ends: 'abandoned' },
    // Twilio told nothing: the caller is a ghost, rightly reaped as lost-hangup.
    { inbound: 'now', status: 'lost', action: 'lost', ends: 'lost-hangup' },
    { inbound: 'now', status: 'late', action: 'lost', ends: 'lost-hangup' },
    // The inbound call's hang-up was never told, the leg's was: abandoned.
    { inbound: 'lost', status: 'now', action: 'now', ends: 'abandoned' },
  ] as const)('a called-back caller escalated to tier2 hangs up (inbound $inbound, leg status $status, action $action): ends $ends', async ({ inbound, status, action, ends }) => {
    const stats = await runChaos({ callers: 10, commands: escalatedCallbackHangsUp(inbound, status, action), finalWrapUps: [true] });
    expect(stats.connected).toBe(1);
    expect(stats.endReasons).toEqual({ [ends]: 1 });
  }, 30_000);

  // Seed 1611297676: the answer's retry after a store blip ran on wall-clock time, so the model's
  // clock passed the lease first; the live conversation went back in line and was reaped as a ghost.
  it('the Redis connection drops as the agent answers: connected anyway, recorded on the clock a second later, never offered again', async () => {
    const commands: Command[] = [
      { t: 'join', i: 0 },
      { t: 'claim', a: 0, i: 0, double: false },
      { t: 'drop', i: 0, how: 'disconnect', ticks: 0, inner: { t: 'answer', c: 0, i: 0, twice: false } },
      { t: 'advance', ms: 90_000, sweep: [1] },
      { t: 'advance', ms: 185_000, sweep: [2] },
    ];
    const stats = await runChaos({ callers: 10, commands, finalWrapUps: [true] });
    expect(stats.connected).toBe(1);
    expect(stats.endReasons).toEqual({ 'caller-hung-up': 1 });
  }, 30_000);
});

import { CallLegs } from '../../src/handoff/call-legs';
import { twilioGhostCheck } from '../../src/handoff/ghost-check';
import { MemoryKeyValueStore } from '../../src/store/memory-key-value-store';
import { ManualClock } from '../support/manual-clock';

/** Twilio's status of each call, as its REST API would answer; the sids asked are recorded. */
function twilioSays(statuses: Record<string, string>) {
  const asked: string[] = [];
  const callStatus = async (callSid: string) => {
    asked.push(callSid);
    return statuses[callSid] ?? 'completed';
  };
  return { asked, callStatus };
}

describe('the live ghost check asks Twilio about the call the caller is on now', () => {
  it('an inbound caller on hold: asks about the inbound call', async () => {
    const legs = new CallLegs(new MemoryKeyValueStore(new ManualClock()));
    const twilio = twilioSays({ CAinbound: 'in-progress' });
    expect(await twilioGhostCheck(twilio.callStatus, legs)('CAinbound')).toBe(true);
    expect(twilio.asked).toEqual(['CAinbound']);
  });

  it('a callback leg escalated back into a queue: asks about the leg, not the inbound call that ended long ago', async () => {
    const legs = new CallLegs(new MemoryKeyValueStore(new ManualClock()));
    await legs.link('CAinbound', 'CAleg');
    const twilio = twilioSays({ CAinbound: 'completed', CAleg: 'in-progress' });
    expect(await twilioGhostCheck(twilio.callStatus, legs)('CAinbound')).toBe(true);
    expect(twilio.asked).toEqual(['CAleg']);
  });

  it.each(['completed', 'busy', 'failed', 'no-answer', 'canceled'])('a call Twilio reports %s is no longer on the line', async (status) => {
    const legs = new CallLegs(new MemoryKeyValueStore(new ManualClock()));
    await legs.link('CAinbound', 'CAleg');
    const twilio = twilioSays({ CAinbound: 'in-progress', CAleg: status });
    expect(await twilioGhostCheck(twilio.callStatus, legs)('CAinbound')).toBe(false);
  });
});

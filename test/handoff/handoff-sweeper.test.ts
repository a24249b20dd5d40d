import pino from 'pino';
import { CallbackFailures } from '../../src/handoff/callbacks/callback-failures';
import { HandoffSweeper } from '../../src/handoff/handoff-sweeper';
import { HandoffRecords } from '../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../src/handoff/record/handoff-rules';
import { MemoryHandoffStore } from '../../src/handoff/record/memory-handoff-store';
import { SimulatedTwilioGateway } from '../../src/twilio/simulated-twilio-gateway';
import { entry } from './record/handoff-records.contract';
import { ManualClock } from '../support/manual-clock';
import { MemoryQuotaStore } from '../../src/limits/memory-quota-store';
import { smsGateFor } from '../support/test-app';

const log = pino({ level: 'silent' });

function sweeperWith(stillQueued?: (callSid: string) => Promise<boolean>) {
  const clock = new ManualClock();
  const records = new HandoffRecords(new MemoryHandoffStore(clock), DEFAULT_HANDOFF_RULES, clock);
  const sweeper = new HandoffSweeper(records, new CallbackFailures(smsGateFor(new SimulatedTwilioGateway(clock), new MemoryQuotaStore(clock), clock), log), clock, log, stillQueued);
  return { clock, records, sweeper };
}

describe('the ghost check in live mode (SPEC §4.1: ask Twilio first)', () => {
  it('keeps a quiet caller Twilio says is still queued, and sees them again', async () => {
    const asked: string[] = [];
    const { clock, records, sweeper } = sweeperWith(async (callSid) => {
      asked.push(callSid);
      return true;
    });
    const { record } = await records.enqueue(entry());
    clock.advance(DEFAULT_HANDOFF_RULES.heartbeatMs + 1000);
    expect((await sweeper.sweep()).ghosts).toEqual([]);
    expect(asked).toEqual([record.callSid]);
    expect(await records.get(record.callSid)).toMatchObject({ state: 'waiting', seenAt: clock.now() });
  });

  it('closes a quiet caller Twilio says is gone, as lost-hangup', async () => {
    const { clock, records, sweeper } = sweeperWith(async () => false);
    const { record } = await records.enqueue(entry());
    clock.advance(DEFAULT_HANDOFF_RULES.heartbeatMs + 1000);
    expect((await sweeper.sweep()).ghosts).toEqual([record.callSid]);
    expect(await records.get(record.callSid)).toMatchObject({ state: 'closed', endReason: 'lost-hangup' });
  });

  it('keeps the caller when Twilio cannot be asked (an error is no proof of a hang-up)', async () => {
    const { clock, records, sweeper } = sweeperWith(async () => {
      throw new Error('Twilio timed out');
    });
    const { record } = await records.enqueue(entry());
    clock.advance(DEFAULT_HANDOFF_RULES.heartbeatMs + 1000);
    expect((await sweeper.sweep()).ghosts).toEqual([]);
    expect(await records.get(record.callSid)).toMatchObject({ state: 'waiting' });
  });

  it('does not ask about a caller seen within the heartbeat', async () => {
    const asked: string[] = [];
    const { clock, records, sweeper } = sweeperWith(async (callSid) => {
      asked.push(callSid);
      return false;
    });
    await records.enqueue(entry());
    clock.advance(DEFAULT_HANDOFF_RULES.heartbeatMs - 1000);
    await sweeper.sweep();
    expect(asked).toEqual([]);
  });
});

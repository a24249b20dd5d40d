import { parseBusinessHours } from '../../../src/hours/business-hours';
import { quietHoursSpeech, QUIET_HOURS_AFTER_MS } from '../../../src/handoff/waiting-room/quiet-hours-hint';
import { businessHoursOfDay, quietestHours } from '../../../src/records/quiet-hours';

const source = { hours: () => [16, 10] as const };

describe('quiet hours (SPEC §5)', () => {
  it('are told only beyond 5 minutes of estimated wait, earlier hour first', () => {
    expect(quietHoursSpeech(source, 'tier1', QUIET_HOURS_AFTER_MS)).toEqual([]);
    expect(quietHoursSpeech(source, 'tier1', null)).toEqual([]);
    expect(quietHoursSpeech(undefined, 'tier1', QUIET_HOURS_AFTER_MS + 1)).toEqual([]);
    expect(quietHoursSpeech({ hours: () => null }, 'tier1', QUIET_HOURS_AFTER_MS + 1)).toEqual([]);
    expect(quietHoursSpeech(source, 'tier1', QUIET_HOURS_AFTER_MS + 1)).toEqual([
      { key: 'queue.wait.quietHours', vars: { first: 10, firstEnd: 11, second: 16, secondEnd: 17 } },
    ]);
  });

  it('are whole business hours of some day, with enough answered callers, per queue', () => {
    const open = businessHoursOfDay(parseBusinessHours('mon-fri 09:30-21:00; sat 10:00-12:00'));
    expect([...open].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    const wait = (queue: 'tier1' | 'tier2', hour: number, avgWaitSeconds: number, calls = 5) => ({ queue, hour, avgWaitSeconds, calls });
    const quiet = quietestHours([wait('tier1', 9, 1), wait('tier1', 12, 50), wait('tier1', 15, 40), wait('tier1', 18, 45), wait('tier1', 19, 1, 4), wait('tier2', 12, 10)], open);
    expect(quiet.get('tier1')).toEqual([15, 18]);
    expect(quiet.has('tier2')).toBe(false);
  });
});

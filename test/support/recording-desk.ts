import type { Handoff } from '../../flows/menu-contract';
import type { HandoffDesk } from '../../src/calls/handoff-desk';

/** Records every hand-off and declines it as the desk does when nobody can take the caller. */
export function recordingDesk() {
  const handoffs: Array<{ callSid: string; handoff: Handoff }> = [];
  const desk: HandoffDesk = {
    handOff: async (session, handoff) => {
      handoffs.push({ callSid: session.callSid, handoff });
      return { kind: 'declined', speech: [{ key: 'agent.unavailable' }] };
    },
  };
  return { desk, handoffsOf: (callSid: string) => handoffs.filter((entry) => entry.callSid === callSid).map((entry) => entry.handoff) };
}

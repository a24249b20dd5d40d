import type { Handoff, MenuId } from '../../flows/menu-contract';
import type { CallSession } from './call-session';
import type { Speech, TurnNext } from './turn';

/** What happens when a caller is handed to a human. */
export type HandoffOutcome =
  /** The caller goes on as `next` (a queue, a dial), after hearing `speech`. */
  | { kind: 'transferred'; speech: Speech[]; next: TurnNext }
  /** Nobody can take the caller: they hear `speech` and return to the main menu. */
  | { kind: 'declined'; speech: Speech[] }
  /** The caller is offered something else in `menu` (after hours: a callback or an SMS). */
  | { kind: 'menu'; menu: MenuId; speech: Speech[] };

export interface HandoffDesk {
  handOff(session: Readonly<CallSession>, handoff: Handoff): Promise<HandoffOutcome>;
}

/** Until the human queue exists: say so plainly and take the caller back to the main menu. */
export const noAgentsDesk: HandoffDesk = {
  handOff: async () => ({ kind: 'declined', speech: [{ key: 'agent.unavailable' }] }),
};

import type { Handoff, MenuId } from '../../flows/menu-contract';
import type { Speech } from '../twilio/answer';
import type { CallSession, Placement } from './call-session';

/** What happens when a caller is handed to a human. */
export type HandoffOutcome =
  /** The caller goes on to `placement` (a queue's waiting room, the overflow line), after hearing `speech`. */
  | { kind: 'transferred'; speech: Speech[]; placement: Placement }
  /** Nobody can take the caller: they hear `speech` and return to the main menu. */
  | { kind: 'declined'; speech: Speech[] }
  /** The caller is offered something else in `menu` (after hours: a callback or an SMS). */
  | { kind: 'menu'; menu: MenuId; speech: Speech[] };

export interface HandoffDesk {
  handOff(session: Readonly<CallSession>, handoff: Handoff): Promise<HandoffOutcome>;
}

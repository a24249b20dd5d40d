import type { EffectHandlers } from '../calls/effects';
import type { PromptCatalogue } from '../prompts/prompt-catalogue';
import type { BusinessHours } from '../hours/business-hours';
import { hoursText } from '../prompts/hours-text';
import type { QueueDesk } from './queue-desk';

/** The effects the after-hours menu (flows/after-hours-menu.ts) requests. */
export function handoffEffects(
  desk: QueueDesk,
  catalogue: PromptCatalogue,
  hours: BusinessHours,
): EffectHandlers<'handoff.businessHours' | 'handoff.requestCallback'> {
  return {
    /** The hours come from configuration, so the menu learns them as a prompt variable. */
    'handoff.businessHours': async (_args, { session }) => ({
      outcome: 'ok',
      vars: { hours: hoursText(catalogue, session.language, hours) },
    }),
    'handoff.requestCallback': async (_args, { session }) => {
      if (!session.handoff) return { outcome: 'unavailable' };
      return { outcome: await desk.requestCallback(session, session.handoff) };
    },
  };
}

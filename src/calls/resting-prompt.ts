import { answer, type Answer, type Speech } from '../twilio/answer';
import type { CallSession } from './call-session';
import { currentMeta, type MenuSnapshot } from './menu-runner';

/**
 * What the caller hears when a turn is done, or when a late or repeated webhook finds the call
 * further on: the prompt of the state the call rests in (after any notices), or, for a caller
 * already handed to a human, where the hand-off placed them — from the session alone.
 */
export function restingAnswer(session: CallSession, snapshot: MenuSnapshot, revision: number, speech: Speech[] = []): Answer {
  if (session.phase === 'handoff' && session.placement) {
    const { placement } = session;
    return answer(session.language, speech, placement.kind === 'enqueue' ? { kind: 'enqueue', queue: placement.queue } : placement);
  }
  const meta = currentMeta(snapshot);
  if (!meta || !('prompt' in meta)) throw new Error(`call rests in ${JSON.stringify(snapshot.value)} without a prompt`);
  return answer(session.language, [...speech, { key: meta.prompt, vars: snapshot.context.vars }], {
    kind: 'prompt',
    gather: meta.gather,
    promptKey: meta.prompt,
    revision,
  });
}

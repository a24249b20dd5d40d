import { setTimeout as sleep } from 'node:timers/promises';
import { ENTRY_MENU, FLOW_VERSION } from '../../flows/call-flow';
import type { Language } from '../../flows/vocabulary';
import type { Clock } from '../clock';
import type { RecordStream } from '../store/record-stream';
import type { SessionStore } from '../store/session-store';
import { encodeFact } from '../records/record-facts';
import { callFact } from './call-record-fact';
import type { CallIdentity } from './call-input';
import { decodeSession, encodeSession, SESSION_FORMAT, type CallSession } from './call-session';
import { persistMenu, restoreMenu, startMenu, type MenuAction, type MenuSnapshot } from './menu-runner';

/** A call as one webhook found it: the session, its menu restored, and the revision it was read at. */
export interface OpenCall {
  session: CallSession;
  snapshot: MenuSnapshot;
  revision: number;
}

/** What loading found: a live call, nothing stored, or stored data that no longer fits the flow. */
export type Loaded = { kind: 'open'; call: OpenCall } | { kind: 'none' } | { kind: 'unreadable'; revision: number };

/** How long a repeated webhook waits for the delivery running its turn: inside Twilio's 15 s. */
const AWAIT_NEWER_MS = 10_000;

export interface SessionKeeperDeps {
  sessions: SessionStore;
  clock: Clock;
  defaultLanguage: Language;
  sessionTtlSeconds: number;
  /** Where the end of each call is appended for its call record (SPEC §5); none: not recorded. */
  records?: RecordStream;
}

/**
 * Loading and saving calls: one read per webhook, one compare-and-set write on the revision it
 * read. A session whose snapshot no longer fits the flow (a new FLOW_VERSION, a renamed state)
 * is reported as unreadable, so the caller restarts instead of being stuck.
 */
export class SessionKeeper {
  constructor(private readonly deps: SessionKeeperDeps) {}

  async load(callSid: string): Promise<Loaded> {
    const stored = await this.deps.sessions.load(callSid);
    if (!stored) return { kind: 'none' };
    const call = this.open(stored.data, stored.revision);
    return call ? { kind: 'open', call } : { kind: 'unreadable', revision: stored.revision };
  }

  /** A new call (or one restarted after unreadable data) at the entry menu, not yet saved. */
  begin(call: CallIdentity, revision: number): { call: OpenCall; actions: MenuAction[] } {
    const session: CallSession = {
      format: SESSION_FORMAT,
      flowVersion: FLOW_VERSION,
      callSid: call.callSid,
      from: call.from,
      to: call.to,
      language: this.deps.defaultLanguage,
      ...(call.stirVerstat ? { stirVerstat: call.stirVerstat } : {}),
      facts: { identityLevel: 0 },
      menu: ENTRY_MENU,
      stack: [],
      snapshot: { value: null, context: null },
      phase: 'menu',
      journey: [],
      selfService: [],
      startedAt: this.deps.clock.now(),
    };
    const { snapshot, actions } = startMenu(ENTRY_MENU, session.facts);
    return { call: { session, snapshot, revision }, actions };
  }

  /** Writes the call if nobody wrote it since `call.revision` was read; the new revision, or null. */
  async save(call: OpenCall): Promise<number | null> {
    const session: CallSession = { ...call.session, snapshot: persistMenu(call.snapshot) };
    const saved = await this.deps.sessions.save(session.callSid, encodeSession(session), call.revision, this.deps.sessionTtlSeconds);
    return saved ? call.revision + 1 : null;
  }

  /**
   * The call once a newer revision than `revision` was saved (by the delivery holding the turn),
   * polled with a growing pause; null if none came in time or the session is gone.
   */
  async awaitNewer(callSid: string, revision: number): Promise<OpenCall | null> {
    const deadline = Date.now() + AWAIT_NEWER_MS;
    for (let pause = 5; Date.now() < deadline; pause = Math.min(pause * 2, 200)) {
      await sleep(pause);
      const loaded = await this.load(callSid);
      if (loaded.kind !== 'open') return null;
      if (loaded.call.revision > revision) return loaded.call;
    }
    return null;
  }

  /**
   * Marks the call ended (status callback); retried on a lost race. Returns the session as it was.
   * The call record's fact is appended alongside the write, in the same round trip; a repeated
   * status callback appends it again (the first append may have failed; the record merges both).
   */
  async end(callSid: string): Promise<{ session: CallSession; justEnded: boolean } | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await this.deps.sessions.load(callSid);
      const session = stored && decodeSession(stored.data);
      if (!stored || !session) return null;
      if (session.phase === 'ended') {
        await this.recordEnd(session, stored.revision);
        return { session, justEnded: false };
      }
      const ended: CallSession = { ...session, phase: 'ended', endedAt: this.deps.clock.now() };
      const [saved] = await Promise.all([
        this.deps.sessions.save(callSid, encodeSession(ended), stored.revision, this.deps.sessionTtlSeconds),
        this.recordEnd(ended, stored.revision + 1),
      ]);
      if (saved) return { session, justEnded: true };
    }
    return null;
  }

  private async recordEnd(session: CallSession, revision: number): Promise<void> {
    await this.deps.records?.append(encodeFact(callFact(session, revision, session.endedAt ?? this.deps.clock.now())));
  }

  private open(data: string, revision: number): OpenCall | null {
    const session = decodeSession(data);
    if (!session || session.flowVersion !== FLOW_VERSION) return null;
    try {
      return { session, snapshot: restoreMenu(session.menu, session.snapshot, session.facts), revision };
    } catch {
      return null;
    }
  }
}

import type { GatherKind, Handoff } from './menu-contract';
import { menuState, stateConfig, toAgent, type Action, type Choice, type Guard, type MenuStateConfig } from './menu-kit';

/**
 * Identity checks (SPEC §3) as states every menu reuses, and the effects they request. The
 * effects live in src/identity; their outcomes are the strings matched here.
 */
export const Effect = {
  /** Caller ID → wallet. found | unknown | locked {minutes} */
  lookupCaller: 'lookupCaller',
  /** Typed registered number → wallet. found | unknown | invalid | locked {minutes} */
  lookupPhone: 'lookupPhone',
  /** found wallet + PIN → L1. verified | wrong {attemptsLeft} | invalid | locked {minutes} */
  verifyPin: 'verifyPin',
  /** SMS code to the registered number (reuses a live one). sent | resendUsed | locked */
  sendCode: 'sendCode',
  /** A fresh code, once per call. sent | resendUsed | locked */
  resendCode: 'resendCode',
  /** code → L2. verified | wrong {attemptsLeft} | invalid | expired | locked {minutes} */
  verifyCode: 'verifyCode',
  sendResetLink: 'sendResetLink',
  lockStatus: 'lockStatus',
  unlock: 'unlock',
  recentTransactions: 'recentTransactions',
  failedTransaction: 'failedTransaction',
  disputes: 'disputes',
  openCase: 'openCase',
  freezeWallet: 'freezeWallet',
  pointsBalance: 'pointsBalance',
} as const;
// Every effect may also answer `unavailable` (backend down, effect failed).

const pressed = (key: string): Guard => ({ type: 'pressed', params: { key } });
export const outcome = (is: string): Guard => ({ type: 'outcome', params: { is } });
export const say = (key: string): Action => ({ type: 'say', params: { key } });

/** A notice filled with the RESULT's vars (attempts left, minutes, a case number). */
export const sayResult = (key: string): Action => ({
  type: 'say',
  params: ({ event }) => ({ key, ...(event.type === 'RESULT' && event.vars ? { vars: event.vars } : {}) }),
});

export const request = (effect: string): Action => ({ type: 'request', params: { effect } });

/** Hands the keys just typed to an effect. They may be a secret: they exist only in this action. */
const requestWithDigits = (effect: string, arg: string): Action => ({
  type: 'request',
  params: ({ event }) => ({ effect, args: { [arg]: event.type === 'DIGITS' ? event.digits : '' } }),
});

/** Runs `then`'s own actions after others (a choice may be a plain target or a `leave()`). */
const after = (actions: Action[], then: Choice): Choice => ({ ...then, actions: [...actions, ...(then.actions ?? [])] });

/**
 * A state that only waits for one effect's answer, within the same webhook. `fallback` takes
 * every other outcome, so no answer can leave the call stuck here.
 */
export function awaitState(effect: string, results: Choice[], fallback: Choice): MenuStateConfig {
  return stateConfig({ meta: { awaits: effect }, entry: [request(effect)], on: { RESULT: [...results, fallback] } });
}

interface EntrySpec {
  prompt: string;
  gather: Exclude<GatherKind, 'menu'>;
  handoff: Omit<Handoff, 'reason'>;
  back: Choice;
  /** What the typed digits do: a request that carries them. */
  submit: Action;
  /** What `*` does besides replaying the prompt. */
  star?: Action[];
  /** Answers to this state's requests; unmatched answers count as malformed input (`hint`). */
  results: Choice[];
  hint: string;
}

/**
 * A DTMF-only entry of several digits (PIN, code, phone number) with the keys every menu has:
 * `*` repeats, `#` goes back, `0` asks for an agent; silence and malformed input get hints, and
 * the third failure in a row hands the caller to an agent.
 */
export function entryState(spec: EntrySpec): MenuStateConfig {
  const strikeOut: Choice = { guard: 'lastStrike', ...toAgent(spec.handoff, 'strikes') };
  return stateConfig({
    meta: { prompt: spec.prompt, gather: spec.gather },
    entry: ['resetStrikes'],
    on: {
      DIGITS: [
        { guard: pressed('*'), actions: spec.star ?? [] },
        { guard: pressed('#'), ...spec.back },
        { guard: pressed('0'), ...toAgent(spec.handoff) },
        { actions: [spec.submit] },
      ],
      NO_INPUT: [strikeOut, { actions: ['strike', say('hint.noInput')] }],
      RESULT: [...spec.results, strikeOut, { actions: ['strike', say(spec.hint)] }],
    },
  });
}

export interface GateSpec {
  /** Prefix of the gate's state keys; unique within the machine. */
  name: string;
  level: 1 | 2;
  /** The caller's topic: becomes `facts.intent` and the intent of any hand-off from the gate. */
  intent: string;
  tier?: Handoff['tier'];
  priority?: Handoff['priority'];
  /** Where a verified caller goes: a sibling state, or a `leave()`. */
  done: Choice;
  /** What `#` does in the gate's states. */
  back: Choice;
}

export interface Gate {
  /** The choice that leads into the gate; it skips whatever the call has already proven. */
  enter: Choice;
  states: Record<string, MenuStateConfig>;
  /** The apology state ("cannot look up your account, 0 for an agent"), for the leaf's own failures. */
  unavailable: string;
}

/**
 * The states between "the caller wants X" and X, for X needing identity `level`:
 * caller ID lookup (or the registered number typed), PIN, and for L2 an SMS code.
 */
export function identityGate(spec: GateSpec): Gate {
  const s = (suffix: string) => `${spec.name}${suffix}`;
  const handoff = { tier: spec.tier ?? 'tier1', intent: spec.intent, priority: spec.priority ?? 'normal' } as const;
  const toLocked: Choice = { guard: outcome('locked'), target: s('Locked'), actions: ['learn'] };
  const toUnavailable: Choice = { target: s('Unavailable') };
  const offer = (prompt: string, options: Record<string, Choice> = {}) =>
    menuState({ prompt, intent: spec.intent, tier: handoff.tier, priority: handoff.priority, options, back: spec.back });
  const verifiedL1: Choice = spec.level === 2 ? { target: s('SendCode') } : spec.done;

  const states: Record<string, MenuStateConfig> = {
    [spec.name]: stateConfig({
      always: [
        { guard: { type: 'verified', params: { level: spec.level } }, ...spec.done },
        ...(spec.level === 2 ? [{ guard: { type: 'verified', params: { level: 1 } }, target: s('SendCode') } as Choice] : []),
        { target: s('Lookup') },
      ],
    }),
    [s('Lookup')]: awaitState(
      Effect.lookupCaller,
      [{ guard: outcome('found'), target: s('Pin') }, { guard: outcome('unknown'), target: s('Phone') }, toLocked],
      toUnavailable,
    ),
    [s('Phone')]: entryState({
      prompt: 'identity.phone',
      gather: 'phone',
      handoff,
      back: spec.back,
      submit: requestWithDigits(Effect.lookupPhone, 'phone'),
      results: [
        { guard: outcome('found'), target: s('Pin') },
        toLocked,
        { guard: outcome('unavailable'), ...toUnavailable },
        { guard: { type: 'lastStrikeOn', params: { is: 'unknown' } }, ...toAgent(handoff, 'strikes') },
        { guard: outcome('unknown'), actions: ['strike', say('identity.phoneUnknown')] },
      ],
      hint: 'identity.phoneInvalid',
    }),
    [s('Pin')]: entryState({
      prompt: 'identity.pin',
      gather: 'pin',
      handoff,
      back: spec.back,
      submit: requestWithDigits(Effect.verifyPin, 'pin'),
      results: [
        { guard: outcome('verified'), ...after(['learn'], verifiedL1) },
        { guard: outcome('wrong'), actions: [sayResult('identity.pinWrong')] },
        toLocked,
        { guard: outcome('unavailable'), ...toUnavailable },
      ],
      hint: 'identity.pinInvalid',
    }),
    [s('Locked')]: offer('identity.locked'),
    [s('Unavailable')]: offer('identity.unavailable'),
  };
  if (spec.level === 2) {
    const codeSent: Choice = { guard: outcome('sent'), target: s('Code') };
    const noMoreCodes: Choice = { guard: outcome('resendUsed'), target: s('NoCode') };
    Object.assign(states, {
      [s('SendCode')]: awaitState(Effect.sendCode, [codeSent, noMoreCodes, toLocked], toUnavailable),
      [s('Code')]: entryState({
        prompt: 'identity.code',
        gather: 'code',
        handoff,
        back: spec.back,
        // `*` replays the prompt and, once per call, sends a fresh code (the prompt says so).
        star: [request(Effect.resendCode)],
        submit: requestWithDigits(Effect.verifyCode, 'code'),
        results: [
          { guard: outcome('verified'), ...after(['learn'], spec.done) },
          { guard: outcome('wrong'), actions: [sayResult('identity.codeWrong')] },
          { guard: outcome('sent'), actions: [say('identity.codeResent')] },
          { guard: outcome('resendUsed'), actions: [say('identity.codeResendUsed')] },
          { guard: outcome('expired'), target: s('Expired') },
          toLocked,
          { guard: outcome('unavailable'), ...toUnavailable },
        ],
        hint: 'identity.codeInvalid',
      }),
      [s('Expired')]: offer('identity.codeExpired', { '1': { target: s('Resend') } }),
      [s('Resend')]: awaitState(
        Effect.resendCode,
        [{ ...codeSent, actions: [say('identity.codeResent')] }, noMoreCodes, toLocked],
        toUnavailable,
      ),
      [s('NoCode')]: offer('identity.noMoreCodes'),
    });
  }
  return {
    enter: { target: spec.name, actions: [{ type: 'setIntent', params: { intent: spec.intent } }] },
    states,
    unavailable: s('Unavailable'),
  };
}

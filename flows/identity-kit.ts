import type { EffectName } from './effect-contract';
import type { GatherKind, Handoff } from './menu-contract';
import { awaitState, menuState, stateConfig, type MenuStateConfig } from './menu-kit';
import { after, outcomeOf, pressed, request, say, sayResult, toAgent, type Action, type Choice } from './menu-options';

/**
 * Identity checks (SPEC §3) as states every menu reuses. The effects they request are declared
 * with their outcomes in effect-contract.ts and implemented in src/identity.
 */

/** Hands the keys just typed to an effect. They may be a secret: they exist only in this action. */
const requestWithDigits = (effect: EffectName, arg: string): Action => ({
  type: 'request',
  params: ({ event }) => ({ effect, args: { [arg]: event.type === 'DIGITS' ? event.digits : '' } }),
});

const caller = outcomeOf('lookupCaller');
const phone = outcomeOf('lookupPhone');
const pin = outcomeOf('verifyPin');
const sendCode = outcomeOf('sendCode');
const resendCode = outcomeOf('resendCode');
const code = outcomeOf('verifyCode');

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
    meta: { prompt: spec.prompt, gather: spec.gather, intent: spec.handoff.intent },
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
  /**
   * Where the caller goes when identity cannot be established (phone identification locked, the
   * wallet backend down); by default a menu that says why and offers an agent.
   */
  failure?: Choice;
}

export interface Gate {
  /** The choice that leads into the gate; it skips whatever the call has already proven. */
  enter: Choice;
  states: Record<string, MenuStateConfig>;
  /** Where the leaf's own failures go: the apology state ("cannot look up your account, 0 for an agent"), or the gate's `failure`. */
  unavailable: Choice;
}

/**
 * The states between "the caller wants X" and X, for X needing identity `level`:
 * caller ID lookup (or the registered number typed), PIN, and for L2 an SMS code.
 */
export function identityGate(spec: GateSpec): Gate {
  const s = (suffix: string) => `${spec.name}${suffix}`;
  const handoff = { tier: spec.tier ?? 'tier1', intent: spec.intent, priority: spec.priority ?? 'normal' } as const;
  /** Identification stops here for now: the wallet is locked, or the caller refused (too many wrong PINs across wallets). */
  const stopAt = (state: 'Locked' | 'Refused') => (guard: Choice['guard']): Choice =>
    spec.failure ? { guard, ...spec.failure } : { guard, target: s(state), actions: ['learn'] };
  const locked = stopAt('Locked');
  const refused = stopAt('Refused');
  const toUnavailable: Choice = spec.failure ?? { target: s('Unavailable') };
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
      'lookupCaller',
      [
        { guard: caller('found'), target: s('Pin') },
        { guard: caller('unknown'), target: s('Phone') },
        locked(caller('locked')),
        refused(caller('refused')),
      ],
      toUnavailable,
    ),
    [s('Phone')]: entryState({
      prompt: 'identity.phone',
      gather: 'phone',
      handoff,
      back: spec.back,
      submit: requestWithDigits('lookupPhone', 'phone'),
      // A number no wallet has is `found` too: the caller cannot tell registered numbers apart (SPEC §3).
      results: [
        { guard: phone('found'), target: s('Pin') },
        locked(phone('locked')),
        refused(phone('refused')),
        { guard: phone('unavailable'), ...toUnavailable },
      ],
      hint: 'identity.phoneInvalid',
    }),
    [s('Pin')]: entryState({
      prompt: 'identity.pin',
      gather: 'pin',
      handoff,
      back: spec.back,
      submit: requestWithDigits('verifyPin', 'pin'),
      results: [
        { guard: pin('verified'), ...after(['learn'], verifiedL1) },
        { guard: pin('wrong'), actions: [sayResult('identity.pinWrong')] },
        locked(pin('locked')),
        refused(pin('refused')),
        { guard: pin('unavailable'), ...toUnavailable },
      ],
      hint: 'identity.pinInvalid',
    }),
    // With a `failure` of its own the gate never rests in an apology: it hands the caller on.
    ...(spec.failure
      ? {}
      : { [s('Locked')]: offer('identity.locked'), [s('Refused')]: offer('identity.refused'), [s('Unavailable')]: offer('identity.unavailable') }),
  };
  if (spec.level === 2) {
    Object.assign(states, {
      [s('SendCode')]: awaitState(
        'sendCode',
        [
          { guard: sendCode('sent'), target: s('Code') },
          { guard: sendCode('resendUsed'), target: s('NoCode') },
          { guard: sendCode('limited'), target: s('CodeLimited') },
          locked(sendCode('locked')),
        ],
        toUnavailable,
      ),
      [s('Code')]: entryState({
        prompt: 'identity.code',
        gather: 'code',
        handoff,
        back: spec.back,
        // `*` replays the prompt and, once per call, sends a fresh code (the prompt says so).
        star: [request('resendCode')],
        submit: requestWithDigits('verifyCode', 'code'),
        results: [
          { guard: code('verified'), ...after(['learn'], spec.done) },
          { guard: code('wrong'), actions: [sayResult('identity.codeWrong')] },
          { guard: resendCode('sent'), actions: [say('identity.codeResent')] },
          { guard: resendCode('resendUsed'), actions: [say('identity.codeResendUsed')] },
          // The code already sent still works: the caller stays to type it.
          { guard: resendCode('limited'), actions: [say('identity.codeResendLimited')] },
          { guard: code('expired'), target: s('Expired') },
          locked(code('locked')),
          locked(resendCode('locked')),
          { guard: code('unavailable'), ...toUnavailable },
          { guard: resendCode('unavailable'), ...toUnavailable },
        ],
        hint: 'identity.codeInvalid',
      }),
      [s('Expired')]: offer('identity.codeExpired', { '1': { target: s('Resend') } }),
      [s('Resend')]: awaitState(
        'resendCode',
        [
          { guard: resendCode('sent'), target: s('Code'), actions: [say('identity.codeResent')] },
          { guard: resendCode('resendUsed'), target: s('NoCode') },
          { guard: resendCode('limited'), target: s('CodeLimited') },
          locked(resendCode('locked')),
        ],
        toUnavailable,
      ),
      [s('NoCode')]: offer('identity.noMoreCodes'),
      [s('CodeLimited')]: offer('identity.codeLimited'),
    });
  }
  return {
    enter: { target: spec.name, actions: [{ type: 'setIntent', params: { intent: spec.intent } }] },
    states,
    unavailable: toUnavailable,
  };
}

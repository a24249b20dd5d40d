/**
 * Every effect a menu may request (`request` action), with the outcomes its handler may answer.
 * Menus match outcomes through `outcomeOf(effect)`, and the engine's registry must hold one
 * handler per effect that answers only these: a misspelt effect or outcome is a type error on
 * both sides. Every effect may also answer `unavailable` (backend down, the effect failed).
 */
export const EFFECT_OUTCOMES = {
  /**
   * Caller ID → wallet; `locked` (the wallet) and `refused` (the caller, after too many wrong
   * PINs across wallets) carry {minutes}.
   */
  lookupCaller: ['found', 'unknown', 'locked', 'refused'],
  /** Typed registered number → its wallet; a number no wallet has is `found` too (its PIN is simply wrong). */
  lookupPhone: ['found', 'invalid', 'locked', 'refused'],
  /** Found wallet + PIN → L1; `wrong` carries {attemptsLeft}. */
  verifyPin: ['verified', 'wrong', 'invalid', 'locked', 'refused'],
  /** SMS code to the registered number (reuses a live one); `limited`: the SMS limits refused it. */
  sendCode: ['sent', 'resendUsed', 'limited', 'locked'],
  /** A fresh code, once per call. */
  resendCode: ['sent', 'resendUsed', 'limited', 'locked'],
  /** Code → L2. */
  verifyCode: ['verified', 'wrong', 'invalid', 'expired', 'locked'],
  /** `refused`: the SMS limits refused it. */
  sendResetLink: ['sent', 'refused'],
  lockStatus: ['wrongPassword', 'suspicious', 'frozen', 'active'],
  unlock: ['unlocked', 'refused'],
  recentTransactions: ['found', 'none'],
  failedTransaction: ['found', 'none'],
  disputes: ['found', 'none'],
  openCase: ['opened'],
  freezeWallet: ['frozen'],
  pointsBalance: ['found'],
  /** The configured business hours, as the prompt variable {hours}. */
  'handoff.businessHours': ['ok'],
  /** An after-hours callback request; a withheld or unreachable number cannot be called back. */
  'handoff.requestCallback': ['ok', 'notDialable'],
} as const satisfies Record<string, readonly string[]>;

export type EffectName = keyof typeof EFFECT_OUTCOMES;
export const EFFECT_NAMES = Object.keys(EFFECT_OUTCOMES) as EffectName[];

/** The answer every effect may give when it could not do its work. */
export const UNAVAILABLE_OUTCOME = 'unavailable';
export type EffectOutcome<E extends EffectName = EffectName> = (typeof EFFECT_OUTCOMES)[E][number] | typeof UNAVAILABLE_OUTCOME;

/** The hand-off's timing and limits (SPEC §4.1), from configuration. */
export interface HandoffRules {
  /** An offered call's lease; longer than the agent's ring. */
  leaseMs: number;
  /** A callback leg's lease: its ring plus a margin. */
  callbackLeaseMs: number;
  /** Transient bridge failures that go back to the very front; later ones keep the caller's own place. */
  bridgeRetries: number;
  /** Dials of one callback, the first included. */
  callbackAttempts: number;
  callbackRetryMs: number;
  /** A waiting caller not seen for this long is a ghost (a lost hang-up). */
  heartbeatMs: number;
  /** How long after the call ended its agent may still wrap it up. */
  wrapUpWindowMs: number;
  /** Every record lives this long from its creation, set once: beyond any callback, wrap-up and report. */
  recordTtlMs: number;
}

export const DEFAULT_HANDOFF_RULES: HandoffRules = {
  leaseMs: 30_000,
  callbackLeaseMs: 40_000,
  bridgeRetries: 2,
  callbackAttempts: 3,
  callbackRetryMs: 120_000,
  heartbeatMs: 180_000,
  wrapUpWindowMs: 43_200_000,
  recordTtlMs: 4 * 24 * 3600_000,
};

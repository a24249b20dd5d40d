/**
 * What happened to a call after the IVR: the agent's wrap-up and the caller's survey answer,
 * kept with the call for reporting (SPEC §4).
 */
export interface WrapUp {
  agentId: string;
  note: string;
  resolved: boolean;
  at: number;
}

export interface CallOutcome {
  callSid: string;
  wrapUp?: WrapUp;
  /** 1–5. */
  survey?: number;
}

export interface CallOutcomes {
  recordWrapUp(callSid: string, wrapUp: WrapUp): Promise<void>;
  recordSurvey(callSid: string, score: number): Promise<void>;
  get(callSid: string): Promise<CallOutcome | null>;
}

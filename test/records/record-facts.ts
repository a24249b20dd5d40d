import type { CallFact, HandoffFact } from '../../src/records/record-facts';

let counter = 0;
/** A CallSid no other test uses. */
export const sid = () => `CA${(Date.now() * 1000 + counter++).toString(16).padStart(32, '0').slice(-32)}`;

export const T0 = Date.UTC(2026, 11, 1, 2, 0, 0); // 10:00 in Asia/Shanghai

export function callFactOf(callSid: string, fields: Partial<CallFact> = {}): CallFact {
  return {
    kind: 'call',
    callSid,
    rev: 3,
    caller: '+86*****0001',
    callerNumber: '+8613800000001',
    walletId: null,
    startedAt: T0,
    endedAt: T0 + 90_000,
    language: 'zh-CN',
    journey: ['main', 'techSupport'],
    identityLevel: 0,
    intent: null,
    selfService: [],
    ivrOutcome: 'contained',
    ...fields,
  };
}

export function handoffFactOf(callSid: string, fields: Partial<HandoffFact> = {}): HandoffFact {
  return {
    kind: 'handoff',
    callSid,
    rev: 1,
    caller: '+86*****0001',
    callerNumber: '+8613800000001',
    walletId: null,
    language: 'zh-CN',
    identityLevel: 0,
    intent: 'main',
    queue: 'tier1',
    queuedAt: T0 + 30_000,
    waitedSeconds: null,
    agentId: null,
    talkSeconds: null,
    escalated: false,
    callbackAsked: false,
    outcome: null,
    endedAt: null,
    wrapUp: null,
    survey: null,
    ...fields,
  };
}

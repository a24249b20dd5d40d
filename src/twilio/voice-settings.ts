import type { Language } from '../../flows/vocabulary';

/** How each language is spoken (`<Say>`) and heard (`<Gather>`); the two use different codes. */
export const VOICE_SETTINGS = {
  'zh-CN': { say: { language: 'cmn-CN', voice: 'Polly.Zhiyu-Neural' }, gatherLanguage: 'cmn-Hans-CN' },
  'en-US': { say: { language: 'en-US', voice: 'Polly.Joanna-Neural' }, gatherLanguage: 'en-US' },
} as const satisfies Record<Language, unknown>;

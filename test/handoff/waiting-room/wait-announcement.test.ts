import path from 'node:path';
import { PromptCatalogue } from '../../../src/prompts/prompt-catalogue';
import type { Speech } from '../../../src/twilio/answer';
import { announcementSpeech, spokenWait, spokenWaitSpeech } from '../../../src/handoff/waiting-room/wait-announcement';

const catalogue = PromptCatalogue.load(path.join(__dirname, '..', '..', '..', 'prompts'));
const SEC = 1000;
const MIN = 60 * SEC;
const say = (language: 'zh-CN' | 'en-US', speech: Speech[]) => speech.map((s) => catalogue.render(language, s.key, s.vars)).join(' ');
const estimate = (ms: number | null) => ({ en: say('en-US', [spokenWaitSpeech(spokenWait(ms))]), zh: say('zh-CN', [spokenWaitSpeech(spokenWait(ms))]) });

describe('saying the estimate as a person would', () => {
  it.each([
    [0, 'less than a minute', '不到1分钟'],
    [59 * SEC, 'less than a minute', '不到1分钟'],
    [60 * SEC, 'about one minute', '约为1分钟'],
    [61 * SEC, 'about 2 minutes', '约为2分钟'],
    [3 * MIN + 10 * SEC, 'about 4 minutes', '约为4分钟'],
    [4 * MIN, 'about 4 minutes', '约为4分钟'],
    [30 * MIN, 'about 30 minutes', '约为30分钟'],
    [30 * MIN + 1, 'more than 30 minutes', '超过30分钟'],
    [661 * MIN, 'more than 30 minutes', '超过30分钟'],
  ])('%d ms: "%s" / "%s", rounded up', (ms, english, chinese) => {
    const { en, zh } = estimate(ms);
    expect(en).toContain(english);
    expect(zh).toContain(chinese);
  });

  it('no estimate: as soon as possible, and no number in either language', () => {
    const { en, zh } = estimate(null);
    expect(en).toContain('as soon as possible');
    expect(zh).toContain('尽快');
    expect(en).not.toMatch(/\d/);
    expect(zh).not.toMatch(/\d/);
  });

  it('an announcement: position, estimate, then the callback offer', () => {
    const speech = announcementSpeech({ position: 3, estimateMs: 5 * MIN, grown: false });
    expect(speech.map((s) => s.key)).toEqual(['queue.wait.position', 'queue.wait.aboutMinutes', 'queue.wait.callbackOffer']);
    expect(say('zh-CN', speech)).toBe('您目前排在第3位。 预计等待时间约为5分钟。 如需我们稍后回电，请按1。');
    expect(say('en-US', speech)).toBe('You are number 3 in line. The estimated wait is about 5 minutes. To have us call you back instead, press 1.');
  });

  it('beyond 30 minutes the callback offer comes first', () => {
    const speech = announcementSpeech({ position: 42, estimateMs: 45 * MIN, grown: false });
    expect(speech.map((s) => s.key)).toEqual(['queue.wait.callbackFirst', 'queue.wait.position', 'queue.wait.moreThan']);
    expect(say('en-US', speech)).toMatch(/^The wait is long right now\. To have us call you back instead, press 1.*more than 30 minutes\.$/);
    expect(say('zh-CN', speech)).toMatch(/^当前等待时间较长.*请按1.*超过30分钟。$/);
  });

  it('a caller moved back hears thanks, still in line, and the callback offer; no number', () => {
    const speech = announcementSpeech({ position: null, estimateMs: null, grown: false });
    expect(speech.map((s) => s.key)).toEqual(['queue.wait.stillInLine', 'queue.wait.callbackOffer']);
    expect(say('zh-CN', speech)).toContain('您仍在排队中');
    expect(say('en-US', speech)).toContain('still in line');
  });

  it('a grown wait is said before the new estimate', () => {
    const speech = announcementSpeech({ position: 5, estimateMs: 12 * MIN, grown: true });
    expect(speech.map((s) => s.key)).toEqual(['queue.wait.position', 'queue.wait.grown', 'queue.wait.aboutMinutes', 'queue.wait.callbackOffer']);
    expect(say('en-US', speech)).toContain('the wait has grown');
    expect(say('zh-CN', speech)).toContain('等待时间有所延长');
  });

  it('one more sentence (advice, none yet) goes after the estimate and before the callback offer', () => {
    const advice = [{ key: 'queue.wait.lessThanMinute' }];
    expect(announcementSpeech({ position: 3, estimateMs: 5 * MIN, grown: false }, advice).map((s) => s.key)).toEqual([
      'queue.wait.position',
      'queue.wait.aboutMinutes',
      'queue.wait.lessThanMinute',
      'queue.wait.callbackOffer',
    ]);
    expect(announcementSpeech({ position: 42, estimateMs: 45 * MIN, grown: false }, advice).map((s) => s.key).at(-1)).toBe('queue.wait.lessThanMinute');
    expect(announcementSpeech({ position: null, estimateMs: null, grown: false }, advice).map((s) => s.key)).toEqual([
      'queue.wait.stillInLine',
      'queue.wait.lessThanMinute',
      'queue.wait.callbackOffer',
    ]);
  });

  it('no number: position, as soon as possible, callback offer', () => {
    const speech = announcementSpeech({ position: 1, estimateMs: null, grown: false });
    expect(speech.map((s) => s.key)).toEqual(['queue.wait.position', 'queue.wait.asSoonAsPossible', 'queue.wait.callbackOffer']);
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PromptCatalogue, PromptCatalogueError, type SpeechPhrases } from '../../src/prompts/prompt-catalogue';
import { keyForSpeech, MIN_SPEECH_CONFIDENCE, speechHints } from '../../src/prompts/speech-matcher';

const PROMPTS = path.join(__dirname, '../../prompts');

describe('the prompt catalogue', () => {
  const catalogue = PromptCatalogue.load(PROMPTS);

  it('loads the real catalogue with every key in both languages', () => {
    const keys = catalogue.keys();
    expect(keys.length).toBeGreaterThan(20);
    for (const key of ['main.welcome', 'main.menu', 'hint.wrongKey', 'hint.noInput', 'error.apology', 'error.restart', 'agent.unavailable', 'sms.sent']) {
      expect(catalogue.has(key)).toBe(true);
    }
    for (const key of keys) {
      expect(catalogue.has(key)).toBe(true);
    }
    expect(catalogue.has('no.such.key')).toBe(false);
  });

  it('renders each language and fills placeholders', () => {
    expect(catalogue.render('zh-CN', 'main.welcome')).toContain('百信数字钱包');
    expect(catalogue.render('en-US', 'main.welcome')).toContain('Baixin Digital Wallet');
  });

  it('refuses to render a missing key', () => {
    expect(() => catalogue.render('en-US', 'no.such.key')).toThrow(PromptCatalogueError);
    expect(() => catalogue.render('zh-CN', 'no.such.key')).toThrow(/no\.such\.key/);
  });

  it('has speech phrases for both languages, including the global words', () => {
    for (const language of ['zh-CN', 'en-US'] as const) {
      expect(catalogue.speech[language].global).toMatchObject({ '0': expect.any(Array), '*': expect.any(Array), '#': expect.any(Array) });
      // Every prompt with phrases is a real prompt.
      for (const promptKey of Object.keys(catalogue.speech[language]).filter((key) => key !== 'global')) {
        expect(catalogue.has(promptKey)).toBe(true);
      }
    }
  });

  describe('a broken copy stops the start with a message naming the problem', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'hotline-prompts-'));
      cpSync(PROMPTS, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const edit = (file: string, change: (json: Record<string, unknown>) => void) => {
      const full = path.join(dir, file);
      const json = JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown>;
      change(json);
      writeFileSync(full, JSON.stringify(json, null, 2));
    };

    it('the untouched copy loads', () => {
      expect(PromptCatalogue.load(dir).keys()).toEqual(catalogue.keys());
    });

    it('a key removed from en-US', () => {
      edit('en-US/features.json', (json) => delete json['features.points']);
      expect(() => PromptCatalogue.load(dir)).toThrow(PromptCatalogueError);
      expect(() => PromptCatalogue.load(dir)).toThrow(/features\.points/);
    });

    it('a key removed from zh-CN', () => {
      edit('zh-CN/common.json', (json) => delete json['hint.noInput']);
      expect(() => PromptCatalogue.load(dir)).toThrow(/hint\.noInput/);
    });

    it('a placeholder the translation forgot', () => {
      edit('en-US/common.json', (json) => {
        json['test.placeholder'] = 'Your case number is {caseNumber}.';
      });
      edit('zh-CN/common.json', (json) => {
        json['test.placeholder'] = '您的案件编号是{caseId}。';
      });
      expect(() => PromptCatalogue.load(dir)).toThrow(/test\.placeholder.*caseNumber|test\.placeholder.*caseId/);
    });

    it('a placeholder present in only one language', () => {
      edit('en-US/common.json', (json) => {
        json['test.placeholder'] = 'You have {points} points.';
      });
      edit('zh-CN/common.json', (json) => {
        json['test.placeholder'] = '您有积分。';
      });
      expect(() => PromptCatalogue.load(dir)).toThrow(/test\.placeholder/);
    });

    it('matching placeholders load and render', () => {
      edit('en-US/common.json', (json) => {
        json['test.placeholder'] = 'You have {points} points.';
      });
      edit('zh-CN/common.json', (json) => {
        json['test.placeholder'] = '您有{points}积分。';
      });
      const loaded = PromptCatalogue.load(dir);
      expect(loaded.render('en-US', 'test.placeholder', { points: 1280 })).toBe('You have 1280 points.');
      expect(() => loaded.render('en-US', 'test.placeholder')).toThrow(/points/);
    });

    it('a key defined twice', () => {
      edit('en-US/sms.json', (json) => {
        json['main.menu'] = 'again';
      });
      expect(() => PromptCatalogue.load(dir)).toThrow(/main\.menu.*twice/);
    });

    it('an empty text', () => {
      edit('en-US/main.json', (json) => {
        json['main.menu'] = '   ';
      });
      expect(() => PromptCatalogue.load(dir)).toThrow(/en-US\/main\.json/);
    });

    it('a file that is not JSON', () => {
      writeFileSync(path.join(dir, 'zh-CN/main.json'), '{ "main.menu": ');
      expect(() => PromptCatalogue.load(dir)).toThrow(/main\.json/);
    });

    it('speech phrases in one language only', () => {
      edit('en-US/speech.json', (json) => {
        json['test.menu'] = { '1': ['one'] };
      });
      expect(() => PromptCatalogue.load(dir)).toThrow(/test\.menu/);
    });

    it('a speech phrase for something that is not a key', () => {
      edit('en-US/speech.json', (json) => {
        (json['main.menu'] as Record<string, string[]>)['12'] = ['twelve'];
      });
      expect(() => PromptCatalogue.load(dir)).toThrow(/speech\.json/);
    });

    it('a missing speech file', () => {
      rmSync(path.join(dir, 'zh-CN/speech.json'));
      expect(() => PromptCatalogue.load(dir)).toThrow(/speech\.json/);
    });
  });
});

describe('the speech matcher', () => {
  const phrases: Record<'zh-CN' | 'en-US', SpeechPhrases> = {
    'zh-CN': {
      global: { '0': ['人工'], '*': ['重复'], '#': ['返回'] },
      'test.menu': { '1': ['账户', '密码'], '2': ['转账'] },
      'test.other': { '1': ['短信'] },
    },
    'en-US': {
      global: { '0': ['agent', 'person'], '*': ['repeat'], '#': ['back'] },
      'test.menu': { '1': ['Account', 'password'], '2': ['transfer'], '3': ['personal details'] },
    },
  };
  const match = (language: 'zh-CN' | 'en-US', promptKey: string, said: string, confidence = 0.9) =>
    keyForSpeech(phrases, language, promptKey, said, confidence);

  it('finds the option whose phrase the caller said, inside a longer sentence', () => {
    expect(match('zh-CN', 'test.menu', '我忘记密码了')).toBe('1');
    expect(match('zh-CN', 'test.menu', '转账')).toBe('2');
    expect(match('en-US', 'test.menu', 'I want to make a transfer')).toBe('2');
  });

  it('ignores case', () => {
    expect(match('en-US', 'test.menu', 'ACCOUNT please')).toBe('1');
    expect(match('en-US', 'test.menu', 'my account')).toBe('1');
  });

  it('falls back to the global words (agent, repeat, back)', () => {
    expect(match('zh-CN', 'test.menu', '转人工')).toBe('0');
    expect(match('zh-CN', 'test.menu', '请重复一遍')).toBe('*');
    expect(match('en-US', 'test.menu', 'go back')).toBe('#');
  });

  it("the menu's own options win over the global words", () => {
    // "personal details" contains "person" (a global word for an agent).
    expect(match('en-US', 'test.menu', 'change my personal details')).toBe('3');
  });

  it('uses only the current prompt\'s options', () => {
    expect(match('zh-CN', 'test.other', '转账')).toBeNull();
    expect(match('zh-CN', 'test.other', '发短信')).toBe('1');
    expect(match('zh-CN', 'unknown.prompt', '人工')).toBe('0');
    expect(match('zh-CN', 'unknown.prompt', '转账')).toBeNull();
  });

  it('uses only the call\'s language', () => {
    expect(match('en-US', 'test.menu', '转账')).toBeNull();
    expect(match('zh-CN', 'test.menu', 'transfer')).toBeNull();
  });

  it('refuses low confidence, accepts at the threshold', () => {
    expect(match('zh-CN', 'test.menu', '转账', MIN_SPEECH_CONFIDENCE - 0.01)).toBeNull();
    expect(match('zh-CN', 'test.menu', '转账', 0)).toBeNull();
    expect(match('zh-CN', 'test.menu', '转账', MIN_SPEECH_CONFIDENCE)).toBe('2');
  });

  it('returns null for silence-like or unrelated speech', () => {
    expect(match('en-US', 'test.menu', '')).toBeNull();
    expect(match('en-US', 'test.menu', 'what is the weather')).toBeNull();
  });

  it('hints list the menu words and the global words', () => {
    const hints = speechHints(phrases['en-US'], 'test.menu').split(',');
    expect(hints).toEqual(expect.arrayContaining(['Account', 'password', 'transfer', 'agent', 'repeat', 'back']));
    expect(speechHints(phrases['en-US'], 'unknown.prompt').split(',')).toEqual(['agent', 'person', 'repeat', 'back']);
  });

  it('the real catalogue: every phrase of a menu leads to its key', () => {
    const catalogue = PromptCatalogue.load(PROMPTS);
    for (const language of ['zh-CN', 'en-US'] as const) {
      for (const [promptKey, options] of Object.entries(catalogue.speech[language])) {
        if (promptKey === 'global') continue;
        for (const [key, words] of Object.entries(options)) {
          for (const word of words) {
            const found = keyForSpeech(catalogue.speech, language, promptKey, word, 0.9);
            // An earlier option may share a word; the phrase must at least reach one of this menu's options.
            expect([key, ...Object.keys(options)]).toContain(found);
          }
        }
      }
    }
  });
});

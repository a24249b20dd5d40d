import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PromptCatalogue, PromptCatalogueError, type SpeechPhrases } from '../../src/prompts/prompt-catalogue';
import { getStateNodes } from 'xstate/graph';
import type { AnyStateNode } from 'xstate';
import { menus } from '../../flows/call-flow';
import type { StateMeta } from '../../flows/menu-contract';
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
    expect(catalogue.has('no.such.key')).toBe(false);
    // That every key exists in both languages is the loader's own check; the broken copies below prove it.
    expect(new Set(keys).size).toBe(keys.length);
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

    it('a key removed from en-US: the message names the key and the language that lacks it', () => {
      edit('en-US/features.json', (json) => delete json['features.points']);
      expect(() => PromptCatalogue.load(dir)).toThrow(PromptCatalogueError);
      expect(() => PromptCatalogue.load(dir)).toThrow(/features\.points.*not in en-US/);
    });

    it('a key removed from zh-CN: the message names the key and the language that lacks it', () => {
      edit('zh-CN/common.json', (json) => delete json['hint.noInput']);
      expect(() => PromptCatalogue.load(dir)).toThrow(PromptCatalogueError);
      expect(() => PromptCatalogue.load(dir)).toThrow(/hint\.noInput.*not in zh-CN/);
    });

    it('a key added to one language only', () => {
      edit('zh-CN/main.json', (json) => {
        json['main.extra'] = '多余的提示';
      });
      expect(() => PromptCatalogue.load(dir)).toThrow(/main\.extra.*zh-CN.*not in en-US/);
    });

    it('a placeholder the translation forgot', () => {
      edit('en-US/common.json', (json) => {
        json['test.placeholder'] = 'Your case number is {caseNumber}.';
      });
      edit('zh-CN/common.json', (json) => {
        json['test.placeholder'] = '您的案件编号是{caseId}。';
      });
      expect(() => PromptCatalogue.load(dir)).toThrow(PromptCatalogueError);
      // Both spellings are named, so the operator sees which translation is off.
      expect(() => PromptCatalogue.load(dir)).toThrow(/test\.placeholder.*caseId.*caseNumber|test\.placeholder.*caseNumber.*caseId/);
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
      expect(() => PromptCatalogue.load(dir)).toThrow(PromptCatalogueError);
      expect(() => PromptCatalogue.load(dir)).toThrow(/en-US\/sms\.json: key main\.menu is defined twice/);
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

  describe('the real catalogue', () => {
    const catalogue = PromptCatalogue.load(PROMPTS);
    const tables = (['zh-CN', 'en-US'] as const).flatMap((language) =>
      Object.entries(catalogue.speech[language])
        .filter(([promptKey]) => promptKey !== 'global')
        .map(([promptKey, options]) => ({ language, promptKey, options })),
    );
    const phrases = tables.flatMap(({ language, promptKey, options }) =>
      Object.entries(options).flatMap(([key, words]) => words.map((word) => ({ language, promptKey, key, word }))),
    );

    it('has menus with phrases in both languages', () => {
      expect(tables.filter((table) => table.language === 'zh-CN').length).toBeGreaterThan(5);
      expect(tables.filter((table) => table.language === 'en-US').length).toBeGreaterThan(5);
    });

    it('every phrase of a menu, said alone or in a sentence, leads through the real matcher to its own key', () => {
      const misrouted = phrases.flatMap(({ language, promptKey, key, word }) => {
        const sentence = language === 'en-US' ? `um, ${word.toUpperCase()} please` : `嗯，${word}吧`;
        return [word, sentence]
          .map((said) => ({ language, promptKey, said, expected: key, found: keyForSpeech(catalogue.speech, language, promptKey, said, 0.9) }))
          .filter((match) => match.found !== match.expected);
      });
      expect(misrouted).toEqual([]);
    });

    it('no phrase of one key contains a phrase of another key of the same menu (which one wins would depend on order)', () => {
      const collisions = tables.flatMap(({ language, promptKey, options }) =>
        Object.entries(options).flatMap(([key, words]) =>
          Object.entries(options)
            .filter(([other]) => other !== key)
            .flatMap(([other, otherWords]) =>
              words.flatMap((word) =>
                otherWords.filter((otherWord) => word.toLowerCase().includes(otherWord.toLowerCase())).map((otherWord) => ({ language, promptKey, key, word, other, otherWord })),
              ),
            ),
        ),
      );
      expect(collisions).toEqual([]);
    });

    it("the global words are not another key's phrase in disguise: each leads to its own key where the menu has no matching phrase", () => {
      for (const language of ['zh-CN', 'en-US'] as const) {
        for (const [key, words] of Object.entries(catalogue.speech[language].global ?? {})) {
          for (const word of words) expect({ word, found: keyForSpeech(catalogue.speech, language, 'no.such.menu', word, 0.9) }).toEqual({ word, found: key });
        }
      }
    });

    it('every table belongs to a one-key menu state of the call flow, and names only keys that state offers', () => {
      const offered = new Map<string, Set<string>>();
      for (const machine of Object.values(menus)) {
        for (const node of getStateNodes((machine as unknown as { root: AnyStateNode }).root)) {
          const meta = node.meta as StateMeta | undefined;
          if (meta?.gather !== 'menu') continue;
          const keys = offered.get(meta.prompt) ?? new Set<string>();
          for (const option of meta.options ?? []) keys.add(option);
          offered.set(meta.prompt, keys);
        }
      }
      expect(offered.size).toBeGreaterThan(5);
      const stray = tables.flatMap(({ language, promptKey, options }) => {
        const keys = offered.get(promptKey);
        if (!keys) return [{ language, promptKey, problem: 'no menu state has this prompt' }];
        return Object.keys(options)
          .filter((key) => !keys.has(key))
          .map((key) => ({ language, promptKey, problem: `key ${key} is not an option there` }));
      });
      expect(stray).toEqual([]);
    });

    it('the menu states whose options have phrases in one language have them in the other too', () => {
      const zh = Object.keys(catalogue.speech['zh-CN']).sort();
      const en = Object.keys(catalogue.speech['en-US']).sort();
      expect(zh).toEqual(en);
      for (const promptKey of zh) {
        expect({ promptKey, keys: Object.keys(catalogue.speech['zh-CN'][promptKey]!).sort() }).toEqual({
          promptKey,
          keys: Object.keys(catalogue.speech['en-US'][promptKey]!).sort(),
        });
      }
    });
  });
});

import type { Handoff, MenuExit } from '../../flows/menu-contract';
import { agentExit, sayAction, wrongKeyFor, type MenuWalk } from './step';

/**
 * The keys every one-key menu state shares (SPEC §2): `*` repeats, `#` goes back, `0` asks for an
 * agent, a wrong key and silence get different hints, and the third failure hands the caller to
 * an agent with reason `strikes`. Run against one state of a real machine.
 */
export interface MenuStateCase {
  /** A walk resting in the state under test. */
  reach: () => MenuWalk;
  prompt: string;
  /** The keys the state's meta lists as its own options. */
  options: string[];
  /** What `#` leads to: an exit, or the prompt of the state it returns to. */
  back: { exit: MenuExit } | { prompt: string };
  /** The hand-off for `0` and for the third failure; `'stays'` where `0` is the menu's own answer. */
  agent: Omit<Handoff, 'reason'>;
  zeroStays?: boolean;
}

export function itBehavesLikeAMenuState(c: MenuStateCase): void {
  describe(`the keys every menu has, in ${c.prompt}`, () => {
    const wrong = wrongKeyFor(c.options);

    it('rests with its prompt, as a one-key menu listing its options', () => {
      const menu = c.reach();
      expect(menu.done).toBe(false);
      // Options are a set: their order in the meta is not behaviour.
      const meta = menu.meta;
      expect({ ...meta, options: [...(meta?.options ?? [])].sort() }).toEqual({ prompt: c.prompt, gather: 'menu', intent: c.agent.intent, options: [...c.options].sort() });
    });

    it('* replays the prompt: same state, nothing said, nothing requested', () => {
      const menu = c.reach();
      const before = JSON.stringify(menu.snapshot.value);
      expect(menu.press('*')).toEqual([]);
      expect(menu.done).toBe(false);
      expect(JSON.stringify(menu.snapshot.value)).toBe(before);
      expect(menu.prompt).toBe(c.prompt);
    });

    it('# goes back', () => {
      const menu = c.reach();
      expect(menu.press('#')).toEqual([]);
      if ('exit' in c.back) {
        expect(menu.exit).toEqual(c.back.exit);
      } else {
        expect(menu.done).toBe(false);
        expect(menu.prompt).toBe(c.back.prompt);
      }
    });

    if (c.zeroStays) {
      it('0 is no hand-off here: the prompt again, no hint', () => {
        const menu = c.reach();
        expect(menu.press('0')).toEqual([]);
        expect(menu.done).toBe(false);
        expect(menu.prompt).toBe(c.prompt);
      });
    } else {
      it(`0 asks for an agent: ${c.agent.tier}, ${c.agent.intent}, ${c.agent.priority}`, () => {
        const menu = c.reach();
        expect(menu.press('0')).toEqual([]);
        expect(menu.exit).toEqual(agentExit({ ...c.agent, reason: 'asked' }));
      });
    }

    it(`a wrong key (${wrong}) and silence get different hints, and the caller stays`, () => {
      const menu = c.reach();
      expect(menu.press(wrong)).toEqual([sayAction('hint.wrongKey')]);
      expect(menu.prompt).toBe(c.prompt);
      const other = c.reach();
      expect(other.silence()).toEqual([sayAction('hint.noInput')]);
      expect(other.prompt).toBe(c.prompt);
    });

    it('several keys at once are a wrong key, not an option', () => {
      const menu = c.reach();
      expect(menu.press(`${c.options[0] ?? '1'}${c.options[0] ?? '1'}`)).toEqual([sayAction('hint.wrongKey')]);
      expect(menu.prompt).toBe(c.prompt);
    });

    it.each([
      ['three wrong keys', ['wrong', 'wrong', 'wrong']],
      ['three silences', ['silence', 'silence', 'silence']],
      ['wrong, silence, wrong', ['wrong', 'silence', 'wrong']],
    ] as const)('%s: two hints, then the third hands off with reason strikes', (_label, failures) => {
      const menu = c.reach();
      const heard = failures.map((failure) => (failure === 'wrong' ? menu.press(wrong) : menu.silence()));
      expect(heard.slice(0, 2)).toEqual(failures.slice(0, 2).map((failure) => [sayAction(failure === 'wrong' ? 'hint.wrongKey' : 'hint.noInput')]));
      expect(heard[2]).toEqual([]);
      expect(menu.exit).toEqual(agentExit({ ...c.agent, reason: 'strikes' }));
    });

    it('two failures are not yet a hand-off', () => {
      const menu = c.reach();
      menu.press(wrong);
      menu.silence();
      expect(menu.done).toBe(false);
      expect(menu.prompt).toBe(c.prompt);
    });
  });
}

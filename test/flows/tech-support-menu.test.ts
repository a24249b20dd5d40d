import { techSupportMenu } from '../../flows/tech-support-menu';
import { itBehavesLikeAMenuState } from './menu-basics';
import { agentExit, smsAction, walk } from './step';

const start = () => walk(techSupportMenu);
const topics = [
  ['1', 'appCrash'],
  ['2', 'noCodes'],
  ['3', 'paymentFails'],
] as const;

describe('technical support menu machine (menu 3)', () => {
  it('starts in its menu, needing no identity: nothing requested', () => {
    const menu = start();
    expect(menu.actions).toEqual([]);
    expect(menu.prompt).toBe('techSupport.menu');
  });

  it.each(topics)('%s reads the %s steps (no PIN asked, nothing requested)', (key, topic) => {
    const menu = start();
    expect(menu.press(key)).toEqual([]);
    expect(menu.meta).toEqual({ prompt: `techSupport.${topic}`, gather: 'menu', intent: `techSupport.${topic}`, options: ['1', '2'] });
  });

  itBehavesLikeAMenuState({
    reach: start,
    prompt: 'techSupport.menu',
    options: ['1', '2', '3'],
    back: { exit: { kind: 'back' } },
    agent: { tier: 'tier1', intent: 'techSupport', priority: 'normal' },
  });

  describe.each(topics)('the steps of %s (%s)', (key, topic) => {
    const reach = () => {
      const menu = start();
      menu.press(key);
      return menu;
    };

    it('1 sends these steps by SMS and stays, so the caller can still ask for an agent', () => {
      const menu = reach();
      expect(menu.press('1')).toEqual([smsAction(`sms.techSupport.${topic}`)]);
      expect(menu.done).toBe(false);
      expect(menu.prompt).toBe(`techSupport.${topic}`);
      menu.press('2');
      expect(menu.exit).toEqual(agentExit({ tier: 'tier1', intent: `techSupport.${topic}`, priority: 'normal', reason: 'asked' }));
    });

    it('2 (still not solved) hands off to tier1 with the topic as intent', () => {
      const menu = reach();
      expect(menu.press('2')).toEqual([]);
      expect(menu.exit).toEqual(agentExit({ tier: 'tier1', intent: `techSupport.${topic}`, priority: 'normal', reason: 'asked' }));
    });

    it('the strikes of the menu before do not carry over into the steps', () => {
      const menu = start();
      menu.press('7');
      menu.silence();
      menu.press(key);
      menu.press('7');
      menu.silence();
      expect(menu.done).toBe(false);
      expect(menu.prompt).toBe(`techSupport.${topic}`);
    });

    itBehavesLikeAMenuState({
      reach,
      prompt: `techSupport.${topic}`,
      options: ['1', '2'],
      back: { prompt: 'techSupport.menu' },
      agent: { tier: 'tier1', intent: `techSupport.${topic}`, priority: 'normal' },
    });
  });
});

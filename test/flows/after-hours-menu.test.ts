import { afterHoursMenu } from '../../flows/after-hours-menu';
import { itBehavesLikeAMenuState } from './menu-basics';
import { requestAction, sayAction, smsAction, walk, type MenuWalk } from './step';

const HOURS = '09:00–21:00';

function atMenu(): MenuWalk {
  const menu = walk(afterHoursMenu);
  menu.answer('handoff.businessHours', 'ok', { vars: { hours: HOURS } });
  return menu;
}

describe('after-hours menu machine', () => {
  it('starts by asking for the business hours', () => {
    const menu = walk(afterHoursMenu);
    expect(menu.actions).toEqual([requestAction('handoff.businessHours')]);
    expect(menu.awaits).toBe('handoff.businessHours');
  });

  it('ok → the menu reading the hours it learned', () => {
    const menu = atMenu();
    expect(menu.meta).toEqual({ prompt: 'afterHours.menu', gather: 'menu', intent: 'afterHours', options: ['0', '1', '2'] });
    expect(menu.context.vars).toMatchObject({ hours: HOURS });
  });

  it.each(['unavailable', 'somethingUnexpected'])('hours that cannot be read (%s) → an apology and back', (outcome) => {
    const menu = walk(afterHoursMenu);
    expect(menu.answer('handoff.businessHours', outcome)).toEqual([sayAction('agent.unavailable')]);
    expect(menu.exit).toEqual({ kind: 'back' });
  });

  it('1 asks for a callback; ok → "recorded" and back', () => {
    const menu = atMenu();
    expect(menu.press('1')).toEqual([requestAction('handoff.requestCallback')]);
    expect(menu.awaits).toBe('handoff.requestCallback');
    expect(menu.answer('handoff.requestCallback', 'ok')).toEqual([sayAction('afterHours.callbackRecorded')]);
    expect(menu.exit).toEqual({ kind: 'back' });
  });

  it.each(['unavailable', 'refused'])('a callback request that failed (%s) → "could not record it" and back', (outcome) => {
    const menu = atMenu();
    menu.press('1');
    expect(menu.answer('handoff.requestCallback', outcome)).toEqual([sayAction('afterHours.callbackFailed')]);
    expect(menu.exit).toEqual({ kind: 'back' });
  });

  it('2 sends the hours by SMS, with the hours the effect gave, and stays', () => {
    const menu = atMenu();
    expect(menu.press('2')).toEqual([smsAction('sms.businessHours', { hours: HOURS })]);
    expect(menu.done).toBe(false);
    expect(menu.prompt).toBe('afterHours.menu');
  });

  itBehavesLikeAMenuState({
    reach: atMenu,
    prompt: 'afterHours.menu',
    options: ['1', '2', '0'],
    back: { exit: { kind: 'back' } },
    // This menu is the desk's answer to 0: 0 again only replays it.
    zeroStays: true,
    agent: { tier: 'tier1', intent: 'afterHours', priority: 'normal' },
  });
});

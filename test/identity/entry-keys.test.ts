import { startIdentityHotline, WALLETS, type IdentityHotline } from './support/identity-hotline';
import { prompt } from '../support/test-app';

/**
 * On real Twilio, PIN/code/number gathers end with `#`: pressed alone it arrives as an empty
 * result with FinishedOnKey=# (the gather asks for empty results), and nothing at all as an
 * empty result without it.
 */
describe('keys at an entry prompt as Twilio reports them', () => {
  let hotline: IdentityHotline;
  beforeAll(async () => {
    hotline = await startIdentityHotline({ store: 'memory' });
  });
  afterAll(() => hotline.close());

  async function atPinPrompt() {
    const call = await hotline.call({ from: WALLETS.active.phone }).dial();
    await call.press('2');
    await call.press('1');
    expect(call.heard).toEqual([prompt('identity.pin')]);
    expect(call.gather).toMatchObject({ input: 'dtmf', finishOnKey: '#' });
    return call;
  }

  it('asks Twilio to post empty results from entry gathers, not from one-key menus', async () => {
    const call = await atPinPrompt();
    expect(call.gather).toMatchObject({ actionOnEmptyResult: 'true' });
    await call.press('#');
    expect(call.gather).toMatchObject({ finishOnKey: '' });
    expect(call.gather!.actionOnEmptyResult).toBeUndefined();
  });

  it('# alone (empty Digits, FinishedOnKey=#) goes back like the # key', async () => {
    const call = await atPinPrompt();
    await call.send(call.gather!.action, { Digits: '', FinishedOnKey: '#' });
    expect(call.heard).toEqual([prompt('transaction.menu')]);
  });

  it('an empty result without a finishing key is silence: the no-input hint', async () => {
    const call = await atPinPrompt();
    await call.send(call.gather!.action, { Digits: '' });
    expect(call.heard).toEqual([prompt('hint.noInput'), prompt('identity.pin')]);
  });
});

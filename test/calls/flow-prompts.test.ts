import { MENU_IDS } from '../../flows/menu-ids';
import { buildApp } from '../../src/app';
import { checkFlowPrompts, promptKeysOf } from '../../src/calls/flow-prompts';
import { createMemoryStore } from '../../src/stores';
import { PromptCatalogueError } from '../../src/prompts/prompt-catalogue';
import { SimulatedTwilioGateway } from '../../src/twilio/simulated-twilio-gateway';
import { catalogueWithout } from '../support/catalogue-copy';
import { catalogue, ManualClock, testConfig } from '../support/test-app';

describe('the menus and the prompt catalogue agree at start', () => {
  it('reads every key a menu speaks or texts from the machine itself', () => {
    expect(promptKeysOf('main')).toEqual(expect.arrayContaining(['main.menu', 'hint.wrongKey', 'hint.noInput']));
    expect(promptKeysOf('techSupport')).toEqual(expect.arrayContaining(['techSupport.noCodes', 'sms.techSupport.noCodes']));
    // Computed params (a notice with the effect's numbers, the case SMS) are found too.
    expect(promptKeysOf('transaction')).toEqual(expect.arrayContaining(['transaction.caseOpened', 'sms.transaction.case', 'identity.pinWrong']));
    for (const menu of MENU_IDS) expect(catalogue.missing(promptKeysOf(menu))).toEqual([]);
  });

  it('passes with the real catalogues', () => {
    expect(() => checkFlowPrompts(catalogue)).not.toThrow();
  });

  it('refuses to start a hotline whose menu speaks prompts the catalogue lacks, naming the menu and every key', async () => {
    const broken = catalogueWithout(['techSupport.noCodes', 'sms.techSupport.noCodes'], ['tech-support.json', 'sms.json']);
    expect(() => checkFlowPrompts(broken)).toThrow(PromptCatalogueError);
    expect(() => checkFlowPrompts(broken)).toThrow('menu techSupport speaks prompts missing from the catalogue: sms.techSupport.noCodes, techSupport.noCodes');
    const clock = new ManualClock();
    await expect(
      buildApp(testConfig(), { store: createMemoryStore(clock), twilio: new SimulatedTwilioGateway(clock), catalogue: broken, clock }),
    ).rejects.toThrow(/menu techSupport speaks prompts missing from the catalogue/);
  });
});

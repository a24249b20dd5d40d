import { SELF_SERVICE_KINDS } from '../../flows/vocabulary';
import { buildApp } from '../../src/app';
import { agentLabelKeys, checkAgentLabels, menuPathsOf } from '../../src/calls/flow-labels';
import { AgentLabels } from '../../src/prompts/agent-labels';
import { PromptCatalogueError } from '../../src/prompts/prompt-catalogue';
import { createMemoryStore } from '../../src/stores';
import { SimulatedTwilioGateway } from '../../src/twilio/simulated-twilio-gateway';
import { catalogueWithout } from '../support/catalogue-copy';
import { catalogue, ManualClock, testConfig } from '../support/test-app';

describe('agent-facing labels: checked at start', () => {
  it('finds every menu path from the machines: menus, leaves, intents set and handed off', () => {
    expect(menuPathsOf('transaction')).toEqual(['transaction', 'transaction.deduction', 'transaction.failed', 'transaction.recent']);
    expect(menuPathsOf('fraud')).toEqual(['fraud', 'fraud.freeze']);
    expect(menuPathsOf('techSupport')).toEqual(['techSupport', 'techSupport.appCrash', 'techSupport.noCodes', 'techSupport.paymentFails']);
    const keys = agentLabelKeys();
    for (const kind of SELF_SERVICE_KINDS) expect(keys).toContain(`label.selfService.${kind}`);
    expect(keys).toEqual(expect.arrayContaining(['label.path.main', 'label.path.afterHours', 'label.sms.techSupport.appCrash', 'label.sms.businessHours']));
  });

  it('passes with the real catalogues: every label in both languages', () => {
    expect(() => checkAgentLabels(catalogue)).not.toThrow();
    expect(catalogue.missing(agentLabelKeys())).toEqual([]);
  });

  it('refuses a catalogue missing a label, naming every missing key, and the app does not start', async () => {
    const broken = catalogueWithout(['label.path.transaction.failed', 'label.selfService.walletFrozen'], ['labels.json']);
    expect(() => checkAgentLabels(broken)).toThrow(PromptCatalogueError);
    expect(() => checkAgentLabels(broken)).toThrow('agent labels missing from the catalogue: label.path.transaction.failed, label.selfService.walletFrozen');
    const clock = new ManualClock();
    await expect(
      buildApp(testConfig(), { store: createMemoryStore(clock), twilio: new SimulatedTwilioGateway(clock), catalogue: broken, clock }),
    ).rejects.toThrow(/agent labels missing from the catalogue: label\.path\.transaction\.failed/);
  });

  it('refuses a label present in one language only (the catalogue loader)', () => {
    expect(() => catalogueWithout(['label.path.fraud.freeze'], ['labels.json'], ['en-US'])).toThrow(/label\.path\.fraud\.freeze exists in zh-CN but not in en-US/);
  });
});

describe('the caller context in an agent\'s words', () => {
  const labels = new AgentLabels(catalogue, 'Asia/Shanghai');
  const at = '2026-11-25T12:31:00.000Z';

  it('names paths and reads entries with the time in the business time zone', () => {
    expect(labels.context('zh-CN', { intent: 'transaction.failed', journey: ['main', 'transaction'], selfService: [{ kind: 'walletFrozen', at }] })).toEqual({
      intentLabel: '交易失败',
      journey: ['主菜单', '交易问题'],
      selfService: [{ kind: 'walletFrozen', at, text: '钱包已于20:31冻结' }],
    });
    expect(labels.line('en-US', { kind: 'smsSent', at, detail: 'techSupport.appCrash' })).toBe('20:31 sent by SMS: steps for an app that crashes');
    expect(labels.line('en-US', { kind: 'failedTransactionRead', at, ref: 'TX1', detail: 'riskControl' })).toBe(
      '20:31 failed transaction TX1 read out: it failed because of our risk control system, which stopped it',
    );
  });

  it('shows a word it does not know (from a newer version) as it is, rather than failing the agent', () => {
    expect(labels.path('en-US', 'loans.apply')).toBe('loans.apply');
    expect(labels.line('zh-CN', { kind: 'loanOffered', at, ref: 'L1', detail: 'x' })).toBe('loanOffered L1 x');
  });
});

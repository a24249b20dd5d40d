import type { Language } from '../../flows/vocabulary';

/** One turn of a simulated caller: keys pressed (or silence), and the prompt the caller must hear last. */
export interface MenuTurn {
  press: string | 'silence';
  expect: string;
}

/**
 * What a simulated caller does, through the real menus: the turns after the welcome, each checked
 * against the prompt it leads to; then either a hang-up, or `0` and the wait for an agent.
 */
export interface CallScript {
  name: string;
  language: Language;
  turns: MenuTurn[];
  /** After the turns the caller presses 0 and waits in the queue for an agent. */
  toAgent: boolean;
}

export const SELF_SERVICE_SCRIPTS: readonly CallScript[] = [
  {
    name: 'tech support, steps by SMS',
    language: 'zh-CN',
    toAgent: false,
    turns: [
      { press: '3', expect: 'techSupport.menu' },
      { press: '1', expect: 'techSupport.appCrash' },
      { press: '1', expect: 'techSupport.appCrash' },
      { press: '#', expect: 'techSupport.menu' },
      { press: '#', expect: 'main.menu' },
    ],
  },
  {
    name: 'features in English',
    language: 'en-US',
    toAgent: false,
    turns: [
      { press: '9', expect: 'main.menu' },
      { press: '4', expect: 'features.menu' },
      { press: '2', expect: 'features.points' },
      { press: '#', expect: 'features.menu' },
      { press: '#', expect: 'main.menu' },
    ],
  },
  {
    name: 'silence, transactions, codes',
    language: 'zh-CN',
    toAgent: false,
    turns: [
      { press: 'silence', expect: 'main.menu' },
      { press: '2', expect: 'transaction.menu' },
      { press: '#', expect: 'main.menu' },
      { press: '3', expect: 'techSupport.menu' },
      { press: '2', expect: 'techSupport.noCodes' },
      { press: '#', expect: 'techSupport.menu' },
    ],
  },
];

export const AGENT_SCRIPT: CallScript = {
  name: 'transactions, then an agent',
  language: 'zh-CN',
  toAgent: true,
  turns: [{ press: '2', expect: 'transaction.menu' }],
};

/** The n-th call's script: a share of them ask for an agent, the others take the self-service scripts in turn. */
export function scriptFor(n: number, agentShare: number, random: () => number = Math.random): CallScript {
  return random() < agentShare ? AGENT_SCRIPT : SELF_SERVICE_SCRIPTS[n % SELF_SERVICE_SCRIPTS.length]!;
}

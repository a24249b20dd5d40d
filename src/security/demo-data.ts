import type { AgentDirectory } from '../agents/agent-directory';
import { ConfigError, type Config } from '../config';

/**
 * The agent tokens published in SPEC §5 and the README. They are recognised by what they are, not
 * by the file they sit in: an agents file is "demo" when it accepts any of them, wherever it was
 * copied to or renamed.
 */
export const DEMO_AGENT_TOKENS: readonly string[] = ['alice-demo-token', 'bob-demo-token', 'carol-demo-token', 'sam-demo-token'];

const demoTokens = new Set(DEMO_AGENT_TOKENS);

/** A published demo token: never accepted in live mode (SPEC §5), whatever the agents file says. */
export function isDemoToken(token: string): boolean {
  return demoTokens.has(token);
}

/** The agents of `directory` who log in with a published demo token. */
export function demoAgentIds(directory: AgentDirectory): string[] {
  return DEMO_AGENT_TOKENS.flatMap((token) => directory.authenticate(token)?.id ?? []);
}

/**
 * Live mode refuses to start on demo data unless ALLOW_DEMO_DATA=true (SPEC §5): an agents file
 * that accepts a published token, or the demo wallet directory (any wallets file without
 * WALLET_API_URL: its PINs sit in a file, and the published ones are public). The message names
 * what to set.
 */
export function refuseDemoDataWhenLive(config: Config, agents: AgentDirectory): void {
  if (config.twilio.mode !== 'live' || config.allowDemoData) return;
  const problems: string[] = [];
  const demoAgents = demoAgentIds(agents);
  if (demoAgents.length > 0) {
    problems.push(
      `the agents file (${config.agentsFile ?? 'data/agents.json, AGENTS_FILE unset'}) accepts the published demo tokens of ${demoAgents.join(', ')}: ` +
        'set AGENTS_FILE to your own agents file',
    );
  }
  if (config.wallet.kind === 'demo') {
    problems.push(
      `the wallets come from the demo directory (${config.wallet.dataFile ?? 'data/demo-wallets.json'}): set WALLET_API_URL and WALLET_API_TOKEN to the wallet core API`,
    );
  }
  if (problems.length === 0) return;
  throw new ConfigError(
    `TWILIO_MODE=live refuses demo data:\n  ${problems.join('\n  ')}\n` +
      'For a trial line on demo data set ALLOW_DEMO_DATA=true (demo tokens are refused in live mode even then).',
  );
}

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashAgentToken, type AgentsFile } from '../../src/agents/agent-directory';

export interface SoakAgent {
  id: string;
  token: string;
}

/** Writes an agents file of `count` agents serving both tiers into `dir` (AGENTS_FILE); answers its path and the agents' tokens. */
export function writeSoakAgentsFile(dir: string, count: number): { file: string; agents: SoakAgent[] } {
  const agents = Array.from({ length: count }, (_, n) => ({ id: `soak-${n + 1}`, token: randomBytes(24).toString('hex') }));
  const content: AgentsFile = {
    agents: agents.map((agent) => ({
      id: agent.id,
      name: `Soak agent ${agent.id.slice('soak-'.length)}`,
      tiers: ['tier1', 'tier2'],
      contact: `client:${agent.id}`,
      tokenHash: hashAgentToken(agent.token),
    })),
  };
  const file = path.join(dir, 'soak-agents.json');
  writeFileSync(file, `${JSON.stringify(content)}\n`);
  return { file, agents };
}

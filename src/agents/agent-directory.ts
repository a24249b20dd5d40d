import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { languageSchema, TIERS, tierSchema, type Language, type Tier } from '../../flows/vocabulary';

/**
 * The agents who may take callers, from a data file (SPEC §5). Bearer tokens are stored as
 * `sha256:<hex>`. A fast unsalted hash is enough for tokens that are long random secrets (as
 * production tokens must be: `openssl rand -hex 32`) — there is nothing to guess from the hash —
 * unlike passwords, which would need scrypt. The demo tokens are not secret at all.
 */
export type AgentContact = { kind: 'phone'; number: string } | { kind: 'client'; identity: string };

export interface Agent {
  id: string;
  name: string;
  tiers: Tier[];
  /** May read every call and the call records (SPEC §5 "Supervisors and call records"). */
  supervisor: boolean;
  /** Where a claimed caller is bridged: a phone number or a Twilio Client identity. */
  contact: AgentContact;
  /** The language the agent reads the caller's context in (labels from the prompt catalogues). */
  language: Language;
}

const contactSchema = z.union([
  z
    .string()
    .regex(/^\+[1-9]\d{1,14}$/)
    .transform((number): AgentContact => ({ kind: 'phone', number })),
  z
    .string()
    .regex(/^client:[A-Za-z0-9_.-]{1,121}$/)
    .transform((value): AgentContact => ({ kind: 'client', identity: value.slice('client:'.length) })),
]);

const agentsFileSchema = z.object({
  agents: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case id'),
        name: z.string().min(1),
        tiers: z.array(tierSchema),
        roles: z.array(z.literal('supervisor')).default([]),
        contact: contactSchema,
        language: languageSchema.default('zh-CN'),
        tokenHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'sha256:<64 hex digits>'),
      }),
    )
    .refine((agents) => agents.every((a) => a.tiers.length > 0 || a.roles.includes('supervisor')), 'an agent serves at least one tier, unless a supervisor')
    .refine((agents) => new Set(agents.map((a) => a.id)).size === agents.length, 'agent ids must be unique')
    .refine((agents) => new Set(agents.map((a) => a.tokenHash)).size === agents.length, 'tokens must differ'),
});

export type AgentsFile = z.input<typeof agentsFileSchema>;

/** What goes into `tokenHash` for a token. */
export function hashAgentToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

function digest(tokenHash: string): Buffer {
  return Buffer.from(tokenHash.slice('sha256:'.length), 'hex');
}

export class AgentDirectory {
  private readonly agents: { agent: Agent; digest: Buffer }[];

  constructor(file: AgentsFile) {
    const parsed = agentsFileSchema.parse(file);
    this.agents = parsed.agents.map(({ tokenHash, roles, ...agent }) => ({
      agent: { ...agent, tiers: TIERS.filter((tier) => agent.tiers.includes(tier)), supervisor: roles.includes('supervisor') },
      digest: digest(tokenHash),
    }));
  }

  /**
   * The agent whose token this is, or null. Compares against every agent in constant time and
   * never stops early, so response timing reveals neither a match nor which agent.
   */
  authenticate(bearerToken: string | undefined): Agent | null {
    if (!bearerToken) return null;
    const presented = digest(hashAgentToken(bearerToken));
    let found: Agent | null = null;
    for (const { agent, digest: expected } of this.agents) {
      if (timingSafeEqual(presented, expected)) found = agent;
    }
    return found;
  }

  get(agentId: string): Agent | null {
    return this.agents.find(({ agent }) => agent.id === agentId)?.agent ?? null;
  }

  list(): Agent[] {
    return this.agents.map(({ agent }) => agent);
  }
}

/** The queues an agent takes callers from, highest tier first (SPEC §5 `POST /agent/claims`). */
export function claimOrder(agent: Pick<Agent, 'tiers'>): Tier[] {
  return [...TIERS].reverse().filter((tier) => agent.tiers.includes(tier));
}

/** Reads and validates an agents file; the error names the file and what is wrong in it. */
export function loadAgentDirectory(filePath: string): AgentDirectory {
  try {
    return new AgentDirectory(JSON.parse(readFileSync(filePath, 'utf8')) as AgentsFile);
  } catch (error) {
    const detail = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    throw new Error(`agents file ${filePath}: ${detail}`);
  }
}

/** data/agents.json from the source tree, also when running compiled from dist/src/agents. */
export function defaultAgentsFile(): string {
  const candidates = [path.resolve(__dirname, '../../data/agents.json'), path.resolve(__dirname, '../../../data/agents.json')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
}

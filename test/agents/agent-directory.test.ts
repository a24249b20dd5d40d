import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AgentDirectory,
  claimOrder,
  defaultAgentsFile,
  hashAgentToken,
  loadAgentDirectory,
  type AgentsFile,
} from '../../src/agents/agent-directory';

describe('agent directory', () => {
  const directory = loadAgentDirectory(defaultAgentsFile());

  it('loads the demo agents', () => {
    expect(directory.list().map((agent) => agent.id)).toEqual(['alice', 'bob', 'carol']);
    expect(directory.get('alice')).toEqual({
      id: 'alice',
      name: 'Alice',
      tiers: ['tier1'],
      contact: { kind: 'client', identity: 'alice' },
      language: 'zh-CN',
    });
    expect(directory.get('carol')?.contact).toEqual({ kind: 'phone', number: '+8613900000003' });
    // Carol reads callers' context in English; the others in Mandarin.
    expect(directory.list().map((agent) => agent.language)).toEqual(['zh-CN', 'zh-CN', 'en-US']);
    expect(directory.get('nobody')).toBeNull();
  });

  it('authenticates each demo token, and nothing else', () => {
    expect(directory.authenticate('alice-demo-token')?.id).toBe('alice');
    expect(directory.authenticate('bob-demo-token')?.id).toBe('bob');
    expect(directory.authenticate('carol-demo-token')?.id).toBe('carol');
    expect(directory.authenticate('alice-demo-token ')).toBeNull();
    expect(directory.authenticate('mallory')).toBeNull();
    expect(directory.authenticate('')).toBeNull();
    expect(directory.authenticate(undefined)).toBeNull();
  });

  it('claims from the highest tier an agent serves first', () => {
    expect(claimOrder(directory.get('alice')!)).toEqual(['tier1']);
    expect(claimOrder(directory.get('bob')!)).toEqual(['tier2', 'tier1']);
    expect(claimOrder(directory.get('carol')!)).toEqual(['tier2']);
  });

  const valid: AgentsFile['agents'][number] = {
    id: 'dave',
    name: 'Dave',
    tiers: ['tier1'],
    contact: 'client:dave',
    tokenHash: hashAgentToken('dave-token'),
  };

  it.each<[string, AgentsFile, RegExp]>([
    ['a duplicate id', { agents: [valid, { ...valid, tokenHash: hashAgentToken('x') }] }, /ids must be unique/],
    ['a shared token', { agents: [valid, { ...valid, id: 'eve' }] }, /tokens must differ/],
    ['a plain-text token', { agents: [{ ...valid, tokenHash: 'dave-token' }] }, /sha256:<64 hex digits>/],
    ['an unknown tier', { agents: [{ ...valid, tiers: ['tier3' as 'tier1'] }] }, /tiers/],
    ['a contact that is neither', { agents: [{ ...valid, contact: '13800000001' }] }, /contact/],
    ['a language the catalogues do not have', { agents: [{ ...valid, language: 'fr-FR' as 'zh-CN' }] }, /language/],
  ])('rejects a file with %s, naming the file', (_, file, message) => {
    const filePath = path.join(mkdtempSync(path.join(tmpdir(), 'agents-')), 'agents.json');
    writeFileSync(filePath, JSON.stringify(file));
    expect(() => loadAgentDirectory(filePath)).toThrow(filePath);
    expect(() => loadAgentDirectory(filePath)).toThrow(message);
  });

  it('an agent without a language reads Mandarin', () => {
    expect(new AgentDirectory({ agents: [valid] }).get('dave')?.language).toBe('zh-CN');
    expect(new AgentDirectory({ agents: [{ ...valid, language: 'en-US' }] }).get('dave')?.language).toBe('en-US');
  });

  it('rejects a missing or malformed file', () => {
    expect(() => loadAgentDirectory('/nonexistent/agents.json')).toThrow(/agents file \/nonexistent/);
    expect(() => new AgentDirectory({ agents: 'none' } as unknown as AgentsFile)).toThrow();
  });
});

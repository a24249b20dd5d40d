import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';

const ROOT = path.join(__dirname, '../..');

/** The variable names of the env schema in src/config.ts (the `NAME:` keys of `envSchema = z.object({…})`). */
function configVariables(): string[] {
  const source = readFileSync(path.join(ROOT, 'src/config.ts'), 'utf8');
  const start = source.indexOf('const envSchema = z.object({');
  expect(start).toBeGreaterThanOrEqual(0);
  const block = source.slice(start, source.indexOf('\n});', start));
  return [...block.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]!);
}

function exampleEntries(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of readFileSync(path.join(ROOT, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) entries.set(match[1]!, match[2]!);
  }
  return entries;
}

describe('.env.example', () => {
  it('lists every variable src/config.ts reads', () => {
    const variables = configVariables();
    expect(variables.length).toBeGreaterThanOrEqual(13);
    const listed = exampleEntries();
    expect(variables.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('lists nothing src/config.ts does not read', () => {
    const variables = new Set(configVariables());
    expect([...exampleEntries().keys()].filter((name) => !variables.has(name))).toEqual([]);
  });

  it('is a valid configuration as it stands', () => {
    expect(() => loadConfig(Object.fromEntries(exampleEntries()))).not.toThrow();
  });
});

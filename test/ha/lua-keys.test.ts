import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '../../src');

/** Commands whose first argument is not a key: a script may name these freely. */
const KEYLESS = new Set(['PUBLISH', 'TIME']);

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Every Lua script of the app: the lua/ files, and the ones written inline in TypeScript (template literals). */
function scripts(): Array<{ name: string; lua: string; declaredKeys: number | null }> {
  const files = filesUnder(SRC);
  const luaFiles = files
    .filter((file) => file.endsWith('.lua'))
    .map((file) => {
      const base = path.basename(file);
      const fixed = /-(\d+)\.lua$/.exec(base);
      return { name: path.relative(SRC, file), lua: readFileSync(file, 'utf8'), declaredKeys: fixed ? Number(fixed[1]) : null };
    });
  const inline = files
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/`([^`]*redis\.call[^`]*)`/g)].map((match) => ({ name: path.relative(SRC, file), lua: match[1]!, declaredKeys: null })),
    );
  return [...luaFiles, ...inline];
}

/** Lua without its comments (`-- …` and `--[[ … ]]`) and string contents are kept. */
const code = (lua: string) => lua.replace(/--\[\[[\s\S]*?\]\]/g, '').replace(/--[^\n]*/g, '');

/**
 * The names holding key names: assigned from `KEYS[…]`, or from another such name, to a fixed
 * point (`recordKey[id] = KEYS[…]`, `local key = recordKey[head]`, `claim.agentKey = KEYS[…]`).
 */
function keyNames(lua: string): Set<string> {
  const names = new Set<string>();
  const assignments = [...lua.matchAll(/(?:local\s+)?([A-Za-z_][\w.]*)(?:\[[^\]]*\])?\s*=(?!=)\s*([^\n]+)/g)].map((match) => ({
    target: match[1]!.split('.').pop()!,
    value: match[2]!,
  }));
  for (let grew = true; grew; ) {
    grew = false;
    for (const { target, value } of assignments) {
      const fromKeys = /\bKEYS\[/.test(value) || [...names].some((name) => new RegExp(`(^|[^\\w])${name}(\\[|\\b)`).test(value));
      if (fromKeys && !names.has(target)) {
        names.add(target);
        grew = true;
      }
    }
  }
  return names;
}

/** `redis.call('CMD', first, …)`: the command and its first argument's expression. */
function calls(lua: string): Array<{ command: string; first: string }> {
  return [...lua.matchAll(/redis\.call\(\s*'([A-Za-z]+)'\s*,\s*([^,)]+)/g)].map((match) => ({ command: match[1]!.toUpperCase(), first: match[2]!.trim() }));
}

describe('every Lua script touches only keys passed in KEYS (Redis Cluster, managed Redis proxies)', () => {
  const all = scripts();

  it('finds the scripts: the hand-off, the limits and the inline session and set scripts', () => {
    const names = all.map((script) => script.name);
    for (const expected of ['handoff/record/lua/apply-9.lua', 'handoff/record/lua/claim-5+n.lua', 'limits/lua/take-1.lua', 'store/redis-session-store.ts', 'store/redis-key-value-store.ts']) {
      expect(names).toContain(expected);
    }
  });

  it.each(all.map((script) => [script.name, script] as const))('%s names every key it touches from KEYS', (_name, script) => {
    const lua = code(script.lua);
    const names = keyNames(lua);
    const keyed = calls(lua).filter((call) => !KEYLESS.has(call.command));
    expect(keyed.length).toBeGreaterThan(0);
    const strays = keyed.filter(({ first }) => !/^KEYS\[.+\]$/.test(first) && !names.has(first.split('.').pop()!));
    expect(strays).toEqual([]);
    // No key name is built in the script (from ARGV or by concatenation).
    for (const { first } of keyed) expect(first).not.toMatch(/ARGV|\.\./);
  });

  it.each(all.filter((script) => script.declaredKeys !== null).map((script) => [script.name, script] as const))(
    '%s uses no KEYS index beyond the number its name declares',
    (_name, script) => {
      const indexes = [...code(script.lua).matchAll(/KEYS\[(\d+)\]/g)].map((match) => Number(match[1]));
      expect(indexes.length).toBeGreaterThan(0);
      expect(Math.max(...indexes)).toBeLessThanOrEqual(script.declaredKeys!);
    },
  );
});

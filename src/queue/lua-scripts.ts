import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The queue's Lua scripts, one per `lua/<name>-<numberOfKeys>.lua` file (the BullMQ convention:
 * the key count, which ioredis needs, is in the file name). A line `-- @include <file>` is
 * replaced by `lua/includes/<file>.lua`, so shared steps are written once.
 */
export interface LuaScript {
  name: string;
  numberOfKeys: number;
  lua: string;
}

const FILE_NAME = /^([a-z][a-z-]*)-(\d+)\.lua$/;
const INCLUDE = /^-- @include ([a-z-]+)$/gm;

/**
 * Source runs (ts-jest, tsx) find `lua/` next to this file; the compiled build runs from
 * dist/src/queue/ and copies no assets, so it reads the scripts from the source tree.
 */
function luaDirectory(): string {
  const candidates = [path.join(__dirname, 'lua'), path.resolve(__dirname, '../../../src/queue/lua')];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`queue Lua scripts not found in ${candidates.join(' or ')}`);
  return found;
}

function resolveIncludes(dir: string, lua: string): string {
  return lua.replace(INCLUDE, (_, name: string) => readFileSync(path.join(dir, 'includes', `${name}.lua`), 'utf8'));
}

let cached: readonly LuaScript[] | undefined;

export function queueLuaScripts(): readonly LuaScript[] {
  if (cached) return cached;
  const dir = luaDirectory();
  cached = readdirSync(dir).flatMap((file) => {
    const match = FILE_NAME.exec(file);
    if (!match?.[1] || !match[2]) return [];
    const lua = resolveIncludes(dir, readFileSync(path.join(dir, file), 'utf8'));
    return [{ name: match[1], numberOfKeys: Number(match[2]), lua }];
  });
  return cached;
}

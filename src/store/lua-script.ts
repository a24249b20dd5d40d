import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project-root';

/**
 * A Lua script kept in the source tree (`src/<folder>/lua/<name>-<numKeys>.lua`). Source runs
 * (ts-jest, tsx) and the compiled build (dist/ holds no assets) both read it from `src/`.
 */
export function luaScript(folder: string, file: string): string {
  const found = path.join(projectRoot(), 'src', folder, 'lua', file);
  if (!existsSync(found)) throw new Error(`Lua script not found: ${found}`);
  return readFileSync(found, 'utf8');
}

/** `name-<numKeys>.lua` says how many of the script's arguments are keys. */
export function numberOfKeys(file: string): number {
  const match = /-(\d+)\.lua$/.exec(file);
  if (!match) throw new Error(`Lua script ${file} is not named <name>-<numKeys>.lua`);
  return Number(match[1]);
}

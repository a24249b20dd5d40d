import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Every file under `dir` (relative to the project root), recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(relative) : [relative];
  });
}

/**
 * The compiled build reads its Lua scripts and the embedded database's thread script from the source
 * tree (tsc copies no assets): an image without one of them fails at start, which no unit test sees.
 */
describe('the Dockerfile ships every file the compiled build reads from the source tree', () => {
  // Only the final stage runs: what the build stage copied is left behind.
  const runtimeStage = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').split(/^FROM /m).at(-1)!;
  const copied = [...runtimeStage.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+) /gm)].map((match) => match[1]!);
  const runtimeAssets = filesUnder('src').filter((file) => file.endsWith('.lua') || file.endsWith('.cjs'));

  it('finds the assets it checks', () => {
    expect(runtimeAssets.length).toBeGreaterThanOrEqual(5);
  });

  it.each(runtimeAssets)('%s', (file) => {
    expect(copied.some((source) => file === source || file.startsWith(`${source.replace(/\/$/, '')}/`))).toBe(true);
  });

  it('the prompts and the SQL migrations', () => {
    expect(copied).toEqual(expect.arrayContaining(['prompts', 'migrations']));
  });
});

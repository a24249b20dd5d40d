import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './ops-kit';

/**
 * The top-level folders of the project the app reads at run time, outside the compiled code
 * (`path.join(projectRoot(), '<folder>', …)` in src/; what it reads of `src/` itself — Lua and
 * thread scripts — dockerfile.test.ts checks).
 */
function foldersReadAtRunTime(dir = path.join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return foldersReadAtRunTime(file);
    if (!entry.name.endsWith('.ts')) return [];
    return [...readFileSync(file, 'utf8').matchAll(/path\.join\(projectRoot\(\), '([^']+)'/g)].map((match) => match[1]!).filter((folder) => folder !== 'src');
  });
}

/** The paths the Dockerfile's last stage copies from the build context. */
function copiedIntoImage(): string[] {
  const stages = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').split(/^FROM /m);
  return [...stages.at(-1)!.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+) \S+$/gm)].map((match) => match[1]!);
}

describe('the Docker image', () => {
  it('holds every folder the app reads at run time (a missing one stops the start, or a page)', () => {
    const needed = [...new Set(foldersReadAtRunTime())];
    expect(needed).toEqual(expect.arrayContaining(['migrations', 'prompts', 'public']));
    expect(copiedIntoImage()).toEqual(expect.arrayContaining(needed));
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './ops-kit';

/** The folders of the project the app reads at run time (`path.join(projectRoot(), '<folder>', …)` in src/). */
function foldersReadAtRunTime(dir = path.join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return foldersReadAtRunTime(file);
    if (!entry.name.endsWith('.ts')) return [];
    return [...readFileSync(file, 'utf8').matchAll(/path\.join\(projectRoot\(\), '([^']+)'/g)].map((match) => match[1]!);
  });
}

/** The paths the Dockerfile's last stage copies from the build context. */
function copiedIntoImage(): string[] {
  const stages = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').split(/^FROM /m);
  return [...stages.at(-1)!.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+) \S+$/gm)].map((match) => match[1]!);
}

describe('the Docker image', () => {
  it('holds every folder the app reads at run time (a missing one stops the start, or a page)', () => {
    const needed = [...new Set(foldersReadAtRunTime())].sort();
    expect(needed).toEqual(['migrations', 'prompts', 'public']);
    expect(copiedIntoImage()).toEqual(expect.arrayContaining(needed));
  });
});

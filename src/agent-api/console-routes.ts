import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../project-root';

/** The consoles' files and their types; nothing else under public/console is served. */
const CONSOLE_FILES = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'caller-context.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'supervisor.html': 'text/html; charset=utf-8',
  'supervisor.js': 'text/javascript; charset=utf-8',
  'supervisor.css': 'text/css; charset=utf-8',
} as const;

/** The pages, at their addresses: the agent console and the supervisors' overview. */
const PAGES: Record<string, string[]> = {
  'index.html': ['/console', '/console/'],
  'supervisor.html': ['/console/supervisor', '/console/supervisor/'],
};

/**
 * The agent console and the supervisors' page (SPEC §5): static pages with no build step. The
 * files are read once at start-up — a fixed allow-list, so no request path ever reaches the file
 * system.
 */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  const dir = path.join(projectRoot(), 'public', 'console');
  const hide = { schema: { hide: true } };
  for (const [name, type] of Object.entries(CONSOLE_FILES)) {
    const content = readFileSync(path.join(dir, name));
    const urls = PAGES[name] ?? [`/console/${name}`];
    for (const url of urls) {
      app.get(url, hide, async (_request, reply) =>
        reply
          .type(type)
          // The token lives in sessionStorage: no proxy may cache the page (framing and sniffing are
          // refused by the admin scope's security headers and CSP).
          .header('cache-control', 'no-store')
          .send(content),
      );
    }
  }
}

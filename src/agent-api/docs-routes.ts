import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/** The Swagger UI assets the page needs, from the @fastify/swagger-ui package. */
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
} as const;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Hotline agent API</title>
  <link rel="stylesheet" href="/docs/static/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/static/swagger-ui-bundle.js"></script>
  <script src="/docs/static/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/static/initializer.js"></script>
</body>
</html>
`;

const INITIALIZER = `window.ui = SwaggerUIBundle({
  url: '/docs/json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  persistAuthorization: false,
});
`;

/**
 * Swagger UI's page: its own scripts only, but it sets inline styles and draws icons from data:
 * URLs. The consoles keep the stricter policy of the admin scope.
 */
const DOCS_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * The OpenAPI document at /docs/json and Swagger UI at /docs. Served here instead of by
 * registering @fastify/swagger-ui: that plugin pulls in @fastify/static → content-disposition 3,
 * an ES module (Node ≥ 22) that Jest cannot load on Node 20, so every test building the app would
 * fail. Only its pre-built assets are used, from a fixed allow-list read once at start-up.
 */
export async function docsRoutes(app: FastifyInstance): Promise<void> {
  const assetDir = path.join(path.dirname(require.resolve('@fastify/swagger-ui/package.json')), 'static');
  const hide = { schema: { hide: true } };

  app.get('/docs/json', hide, async () => app.swagger());
  app.get('/docs', { ...hide, helmet: { contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  );
  app.get('/docs/static/initializer.js', hide, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(INITIALIZER));
  for (const [name, type] of Object.entries(ASSETS)) {
    const content = readFileSync(path.join(assetDir, name));
    app.get(`/docs/static/${name}`, hide, async (_request, reply) => reply.type(type).header('cache-control', 'public, max-age=3600').send(content));
  }
}

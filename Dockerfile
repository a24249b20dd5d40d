# syntax=docker/dockerfile:1
# The hotline: build with dev dependencies, run with production ones only, as a non-root user.
# Both stages run Node 24 LTS (Node 20 reached end of life on 2026-04-30); keep the two FROM lines
# on the same tag. The code also runs on Node 20 (see "Runtimes" in the README).

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY flows ./flows
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# Read at runtime: prompt catalogues, the queue's Lua scripts and the embedded database's thread
# script, which the compiled build loads from the source tree, the call records' SQL migrations,
# and the consoles' static pages (read at start: without them the app does not start).
COPY --chown=root:root prompts ./prompts
COPY --chown=root:root public ./public
COPY --chown=root:root migrations ./migrations
COPY --chown=root:root src/handoff/record/lua ./src/handoff/record/lua
COPY --chown=root:root src/limits/lua ./src/limits/lua
COPY --chown=root:root src/records/sql/pglite-thread.cjs ./src/records/sql/pglite-thread.cjs
# No data/ in the image: agents and wallets come from outside. A live line mounts its own agents
# file read-only and points AGENTS_FILE at it (e.g. -v /etc/hotline:/etc/hotline:ro
# -e AGENTS_FILE=/etc/hotline/agents.json) and uses the wallet core API (WALLET_API_URL).
# docker-compose.yml mounts the repository's demo data/ at /app/data for simulate mode; live mode
# refuses to start on it (see README "Operations").
# The code stays owned by root and read-only to the process; it runs as the image's `node` user.
USER node
# The webhook port. ADMIN_PORT (staff: agent API, consoles, /docs, /metrics), when set, is not
# exposed here on purpose: publish it only on an internal network.
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "require('http').get('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
# No npm in between: SIGTERM reaches node, which finishes in-flight webhooks and exits.
CMD ["node", "dist/src/main.js"]

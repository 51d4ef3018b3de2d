# syntax=docker/dockerfile:1
# One image for every process; docker-compose picks the command (the start:* scripts' commands,
# e.g. `node apps/api/dist/main.js`). test/image.test.ts replays these steps without Docker, so RUN
# steps use paths relative to WORKDIR.

# Build stage: every dependency (dev included) from the lockfile, then the bundles and the sidebar.
FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json turbo.json tsconfig.json ./
COPY apps ./apps
COPY packages ./packages
COPY scripts ./scripts
# No install scripts: the native tools (esbuild, turbo, rolldown) come as per-platform packages.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
RUN npm run build
COPY drizzle ./drizzle
# What the runtime stage holds: the manifests its install needs, the bundles, the sidebar, the
# migrations, and the files the sources read beside them (Lua scripts …), at their source paths.
RUN mkdir -p .runtime \
 && cp --parents package.json package-lock.json apps/*/package.json packages/*/package.json .runtime/ \
 && cp -r --parents drizzle apps/*/dist .runtime/ \
 && find apps/*/src packages/*/src -type f ! -name '*.ts' ! -name '*.tsx' -exec cp --parents {} .runtime/ \; \
 && find .runtime -name '*.map' -delete

# Runtime stage: Node 22 LTS, production dependencies of the four server apps only, no TypeScript.
FROM node:22-bookworm-slim AS runtime
# NPM_CONFIG_IGNORE_SCRIPTS: no install scripts, and `npm run start:*` skips its prestart build.
ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_IGNORE_SCRIPTS=true
WORKDIR /app
COPY --from=build /app/.runtime ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund --loglevel=error \
      --workspace=@gitsync/api --workspace=@gitsync/scheduler --workspace=@gitsync/worker --workspace=@gitsync/migrate
# Code and dependencies stay root's, read-only to the process.
USER node
EXPOSE 8080
# Node is PID 1 unless the orchestrator adds an init (docker-compose: `init: true`); every app
# handles SIGTERM itself (workers finish the jobs in flight), so the signal is never lost.
CMD ["node", "apps/api/dist/main.js"]

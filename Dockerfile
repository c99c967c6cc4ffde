# syntax=docker/dockerfile:1
# The service as an image: compiled in one stage, run from another that holds only the production
# dependencies and what the server reads at run time. test/production-install.slow.test.ts
# assembles the runtime stage's files from this file's COPY lines and runs them, since no
# container engine runs in CI.

# Node 24 LTS, the newest major the CI runs the tests on.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; no dependency needs a script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/ ./scripts/
COPY src/ ./src/
RUN npm run build

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build, which needs the compiler left in the build stage.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# The compiled code with its page templates and static files (views.ts reads the NHS.UK
# templates and assets from node_modules/nhsuk-frontend), the SQL migrations, and the
# command-line tool (`docker compose run --rm app node bin/ips-report.js --help`).
COPY --from=build /app/dist/ ./dist/
COPY migrations/ ./migrations/
COPY bin/ ./bin/
# Everything above belongs to root: the service only reads it.
USER node
EXPOSE 3000
# Slim images have no curl: Node asks the readiness endpoint itself.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((answer) => process.exit(answer.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm, so the orchestrator's SIGTERM reaches the server's graceful stop.
CMD ["node", "dist/server/main.js"]

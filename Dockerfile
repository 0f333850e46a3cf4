# syntax=docker/dockerfile:1
# Build stage: full install, compile TypeScript, then drop dev dependencies.
# Exact release, not a floating tag: the image changes only when this line does. For byte-for-byte
# reproducible builds, also pin the digest (`node:24.22.3-bookworm-slim@sha256:…`).
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies and compiled code only, as the unprivileged node user.
FROM node:24.22.3-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=8080 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json openapi.yaml ./
# A named volume copies this ownership; a bind-mounted host directory keeps the host's, so it
# must be writable by uid 1000 (README "Operations"): the start says so in one line if not.
RUN mkdir -p /data && chown node:node /data
USER node
# The embedded database lives here; with DATABASE_URL set it stays empty.
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# main.ts handles SIGTERM itself (graceful shutdown), so node may run as PID 1.
CMD ["node", "--enable-source-maps", "dist/src/main.js"]

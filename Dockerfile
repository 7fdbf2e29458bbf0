# syntax=docker/dockerfile:1
# One image for every TaskFlow service: `npm run build` compiles all five apps and the libs
# into dist/, and the container's command picks the entry point, e.g.
#   docker run taskflow dist/auth-service/src/main.js
# (ENTRYPOINT is `node`; the default CMD starts the gateway). docker-compose.yml and the
# Kubernetes Deployments in k8s/ set the command per service. All five in one process (the
# one-process mode, for a single small instance): `docker run taskflow dist/all/src/main.js`.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: full install, compile, then drop dev dependencies --------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
# The registry may serve only some platform builds of optional packages, so `npm ci` can
# refuse the lockfile; `npm install` with the same lockfile then works (see README).
RUN npm ci || npm install
COPY . .
RUN npm run build \
 && rm -f dist/.tsbuildinfo \
 && npm prune --omit=dev

# ---- runtime: production dependencies, compiled code and package.json (its "imports" map) --
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# The services' Node flags (scripts/lib/service-node-flags.mjs says why; deploy/test checks the
# two agree): a 2 MB young generation instead of V8's 16 MB, ~30 MB less RSS per idle process.
# A deployment that sets NODE_OPTIONS replaces them (render.yaml and Railway keep them).
ENV NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
# Files stay owned by root and read-only for the `node` user (the Kubernetes manifests also
# mount the root filesystem read-only).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
# gateway PORT 3001, realtime-service PORT 3002; auth/tasks/events HEALTH_PORT 3011/3012/3013
EXPOSE 3001 3002 3011 3012 3013
# Liveness of whichever service runs: HEALTH_PORT for the NATS-only services, else PORT.
# Set HEALTH_PORT/PORT explicitly in the container environment (compose and k8s do).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || process.env.PORT || 3001) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself: every service drains and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node"]
CMD ["dist/gateway/src/main.js"]

# One image per app, built from one file:
#   docker build --build-arg APP=intake -t admit-intake .      (intake, validator, policy, revocation, audit, embedded)
# Every image also holds the topic creator (node dist/tools/kafka-topics/main.js) and the CLI (admit …).

# 1. Build: install everything, compile every app, the topic creator and the CLI, then drop dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/cli/package.json tools/cli/package.json
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# 2. Run: only what the app needs, as an unprivileged user.
FROM node:20-bookworm-slim
ARG APP=embedded
WORKDIR /app
ENV NODE_ENV=production \
    ADMIT_APP=${APP} \
    ADMIT_HTTP_HOST=0.0.0.0 \
    ADMIT_POLICY_DIR=/app/policies
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/policies ./policies
COPY --from=build /app/tools/cli/package.json ./tools/cli/package.json
COPY --from=build /app/tools/cli/bin ./tools/cli/bin
RUN test -f "dist/apps/${APP}/main.js" || (echo "unknown APP ${APP}" >&2; exit 1) \
 && ln -s /app/tools/cli/bin/admit.js /usr/local/bin/admit
USER node
# exec: node is PID 1 and gets SIGTERM itself, so the app stops gracefully (docker stop, scale down).
CMD ["sh", "-c", "exec node dist/apps/${ADMIT_APP}/main.js"]

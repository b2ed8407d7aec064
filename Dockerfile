# One image for every app: docker run admit node dist/apps/<app>/main.js
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    ADMIT_HTTP_HOST=0.0.0.0 \
    ADMIT_POLICY_DIR=/app/policies
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/policies ./policies
USER node
CMD ["node", "dist/apps/embedded/main.js"]

# syntax=docker/dockerfile:1
# One image for the remediation worker (the default command) and the Alertmanager webhook server
# (command: node lib/starters/webhook-server.js). TypeScript is compiled to lib/ in a build stage, because tsx is a
# devDependency. The worker bundles its workflow code at start from lib/workflows, so the image ships all of lib/.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/lib ./lib
# The default runbook; docker-compose.yml mounts ./config over it so edits need no rebuild.
COPY config ./config
USER node
# 9095: webhook server. 9464: worker metrics.
EXPOSE 9095 9464
CMD ["node", "lib/worker.js"]

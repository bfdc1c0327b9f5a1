# HeatWatch in one container: broker, ingest, API and dashboard. Configure by environment
# (docs/configuration.md); data lives in /data.
FROM node:20-bookworm-slim

# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev && mkdir -p /data && chown node:node /data

ENV NODE_ENV=production \
    HEATWATCH_DATA_DIR=/data \
    HEATWATCH_HTTP_PORT=8080 \
    HEATWATCH_MQTT_PORT=1883
EXPOSE 8080 1883
VOLUME ["/data"]
USER node
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.HEATWATCH_HTTP_PORT || 8080) + '/api/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "--max-semi-space-size=64", "build/ingest/main.js"]

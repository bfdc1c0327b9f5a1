/**
 * `npm run broker`: the HeatWatch broker alone — device authentication and ACL against the
 * registry in HEATWATCH_DATA_DIR, relaying telemetry to a separately running ingest, which
 * connects as `heatwatch-ingest` with HEATWATCH_INGEST_MQTT_PASSWORD and
 * HEATWATCH_MQTT_URL=mqtt://this-host:port, HEATWATCH_MQTT_PROTOCOL_VERSION=4 (aedes speaks 3.1.1).
 */
import './quiet-packet-debug.ts';
import { createSqliteDeviceRegistry } from '../ingest/adapters/sqlite/sqlite-device-registry.ts';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { loadConfigOrExit } from '../ingest/config/config.ts';
import { createMetrics } from '../ingest/observability/metrics.ts';
import { createLogger } from '../ingest/observability/logger.ts';
import { createRejectionLog } from '../ingest/pipeline/rejection-log.ts';
import { PASSWORD_COST, hashSecret } from '../ingest/security/secrets.ts';
import { INGEST_ACCOUNT, createBroker } from './create-broker.ts';

if (process.argv.includes('--help')) {
  console.log(`Usage: npm run broker

Runs only the MQTT broker (aedes) with HeatWatch's device authentication and per-device ACL.
  HEATWATCH_MQTT_PORT             TCP port (1883; 0 picks a free port)
  HEATWATCH_DATA_DIR              the data dir whose heatwatch.db holds the device registry
  HEATWATCH_INGEST_MQTT_PASSWORD  password of the '${INGEST_ACCOUNT}' account ingest reads with (16+ chars)`);
  process.exit(0);
}

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel).child({ component: 'broker' });
if (!config.mqtt.ingestPassword) {
  logger.warn(`HEATWATCH_INGEST_MQTT_PASSWORD is not set: no ingest can subscribe, devices can only connect`);
}
const db = openDatabase(config.dataDir);
const registry = createSqliteDeviceRegistry(db);
const rejections = createRejectionLog(createMetrics());
const broker = await createBroker({
  registry,
  rejections: {
    record(deviceId, reason, detail) {
      rejections.record(deviceId, reason, detail);
      logger.info({ deviceId, reason, detail }, 'refused');
    },
  },
  ingestPasswordHash: config.mqtt.ingestPassword ? await hashSecret(config.mqtt.ingestPassword, PASSWORD_COST) : undefined,
  rate: config.deviceRate,
  logger,
});
const port = await broker.listen(config.mqtt.port, config.mqtt.host).catch((err: NodeJS.ErrnoException) => {
  logger.fatal({ err }, err.code === 'EADDRINUSE' ? `port ${config.mqtt.port} is in use: set HEATWATCH_MQTT_PORT` : 'cannot listen');
  process.exit(1);
});
logger.info({ mqttPort: port, devices: registry.count() }, `HeatWatch broker listening on port ${port}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void broker.close().then(() => {
      db.close();
      process.exit(0);
    });
  });
}

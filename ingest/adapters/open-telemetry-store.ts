/**
 * The telemetry store the configuration asks for: the embedded SQLite file by default; InfluxDB
 * (HEATWATCH_INFLUX_URL) behind the durable outbox, or directly when the outbox is turned off.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { DeviceRegistry } from '../ports/device-registry.ts';
import type { TelemetryStore } from '../ports/telemetry-store.ts';
import { createInfluxTarget } from './influx/influx-telemetry-store.ts';
import { createOutboxTelemetryStore } from './outbox/outbox-telemetry-store.ts';
import { openSqliteFile, type Db } from './sqlite/open-database.ts';
import { createSqliteTelemetryStore } from './sqlite/sqlite-telemetry-store.ts';

export type OpenedTelemetryStore = TelemetryStore & {
  /** The outbox: deliver what it holds, for at most `timeoutMs`; false when some stays on disk. */
  drain?: (timeoutMs: number) => Promise<boolean>;
};

export interface OpenTelemetryStoreDeps {
  config: Pick<Config, 'influx' | 'outbox' | 'retention' | 'dataDir'>;
  db: Db;
  registry: Pick<DeviceRegistry, 'get'>;
  logger: Logger;
  /** Readings the outbox delivered to InfluxDB (metrics). */
  onDelivered?: (n: number) => void;
}

export async function openTelemetryStore({ config, db, registry, logger, onDelivered }: OpenTelemetryStoreDeps): Promise<OpenedTelemetryStore> {
  if (!config.influx) {
    return createSqliteTelemetryStore(db, { rawRetentionDays: config.retention.rawDays, aggregateRetentionDays: config.retention.aggregateDays });
  }
  const target = createInfluxTarget({ ...config.influx, substationOf: (id) => registry.get(id)?.substationId ?? null });
  await target.ensureDatabase();
  if (!config.outbox.enabled) {
    logger.warn({ url: config.influx.url }, 'outbox off: a PUBACK waits for InfluxDB, and an InfluxDB outage disconnects every sensor');
    return target.store;
  }
  logger.info({ url: config.influx.url, db: config.influx.db }, 'telemetry goes to InfluxDB through the outbox');
  return createOutboxTelemetryStore({
    db: openSqliteFile(config.dataDir, 'outbox.db'),
    target,
    maxBacklog: config.outbox.maxReadings,
    alarmBacklog: config.outbox.alarmReadings,
    logger,
    onDelivered,
  });
}

/** `npm start`: HeatWatch in one process — broker, ingest, API, live hub, dashboard. */
import '../broker/quiet-packet-debug.ts';
import { loadConfigOrExit } from './config/config.ts';
import { startHeatWatch } from './app.ts';
import { startupExitCode } from './errors.ts';
import { createLogger } from './observability/logger.ts';

if (process.argv.includes('--help')) {
  console.log(`Usage: npm start

Runs HeatWatch: embedded MQTT broker (or HEATWATCH_MQTT_URL), ingest, HTTP API, live hub and
the dashboard. Configured by environment variables only; see docs/configuration.md.
  HEATWATCH_ADMIN_PASSWORD   creates or resets the user "admin" (no default password)
  HEATWATCH_HTTP_PORT        HTTP port (8080; 0 picks a free port)
  HEATWATCH_MQTT_PORT        embedded MQTT port (1883; 0 picks a free port)
  HEATWATCH_DATA_DIR         where the SQLite file lives (./data)`);
  process.exit(0);
}

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
const app = await startHeatWatch(config, { logger }).catch((err: NodeJS.ErrnoException) => {
  // A bad rules or calendar file, a wrong secrets key: every problem, like a bad variable.
  const exit = startupExitCode(err);
  if (exit !== undefined) {
    console.error(`${err.code}: ${err.message}`);
    process.exit(exit);
  }
  const hint = err.code === 'EADDRINUSE' ? `: port ${(err as { port?: number }).port} is in use (set HEATWATCH_HTTP_PORT / HEATWATCH_MQTT_PORT, 0 picks a free one)` : '';
  logger.fatal({ err }, `HeatWatch could not start${hint}`);
  process.exit(1);
});

// SIGHUP: read the rules file again (it is also reloaded when it changes).
process.on('SIGHUP', () => {
  logger.info('SIGHUP: reloading the rules file');
  app.reloadRules();
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: flushing queued readings');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

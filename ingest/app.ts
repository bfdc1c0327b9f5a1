/**
 * The composition root: builds every adapter from the configuration and wires them. `npm start`
 * (ingest/main.ts), the demo, the tests and the bench all start HeatWatch through here.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { createBroker, type Broker } from '../broker/create-broker.ts';
import { createSqliteDeviceRegistry } from './adapters/sqlite/sqlite-device-registry.ts';
import { createSqliteTelemetryStore } from './adapters/sqlite/sqlite-telemetry-store.ts';
import { createSqliteUserStore } from './adapters/sqlite/sqlite-user-store.ts';
import { openDatabase, openSqliteFile, type Db } from './adapters/sqlite/open-database.ts';
import { createInfluxTarget } from './adapters/influx/influx-telemetry-store.ts';
import { createOutboxTelemetryStore } from './adapters/outbox/outbox-telemetry-store.ts';
import type { DeviceRegistry } from './ports/device-registry.ts';
import type { TelemetryStore } from './ports/telemetry-store.ts';
import type { Config } from './config/config.ts';
import type { DeviceKind } from './contracts/topics.ts';
import { createRoleGuard } from './http/authorize.ts';
import { createHttpServer } from './http/create-http-server.ts';
import { channelConfigSchema, createNotifier } from './adapters/notifiers/create-notifier.ts';
import { createSqliteAlertStore } from './adapters/sqlite/sqlite-alert-store.ts';
import { registerAlertingRoutes } from './http/routes/alerting-routes.ts';
import { registerAuthRoutes } from './http/routes/auth-routes.ts';
import { registerDeviceRoutes } from './http/routes/device-routes.ts';
import { registerSystemRoutes, type HealthReport } from './http/routes/system-routes.ts';
import { refuseUnservedUpgrades } from './http/connection-guard.ts';
import { createLiveHub } from './live/live-hub.ts';
import { startExternalConsumer, type ExternalConsumer } from './mqtt/external-consumer.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createBatchWriter } from './pipeline/batch-writer.ts';
import { createDevicePresence } from './pipeline/device-presence.ts';
import { createRejectionLog } from './pipeline/rejection-log.ts';
import { createTelemetryIntake } from './pipeline/telemetry-intake.ts';
import type { BrokerInfo } from './contracts/broker-info.ts';
import { tileImageSources } from './contracts/map-config.ts';
import { createFleetClock } from './pipeline/fleet-clock.ts';
import { createSqliteTicketStore } from './adapters/sqlite/sqlite-ticket-store.ts';
import { registerTicketRoutes } from './http/routes/ticket-routes.ts';
import { createSecretBox, loadSecretsKey } from './security/secret-box.ts';
import { createAckLinks, loadAckKey } from './services/ack-links.ts';
import { createAlertingService } from './services/alerting-service.ts';
import { createRulesRuntime } from './services/rules-runtime.ts';
import { createTicketService } from './services/ticket-service.ts';
import { createAuthService } from './services/auth-service.ts';
import { createDeviceService } from './services/device-service.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export interface HeatWatch {
  httpPort: number;
  /** Port of the embedded broker, or null when consuming from an external one. */
  mqttPort: number | null;
  url: string;
  /** Flushes what is queued, closes every listener and the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  dashboardDir?: string;
}

export async function startHeatWatch(config: Config, { logger, dashboardDir = path.join(root, 'dashboard', 'dist') }: StartOptions): Promise<HeatWatch> {
  const started = Date.now();
  const db = openDatabase(config.dataDir);
  const metrics = createMetrics();
  const registry = createSqliteDeviceRegistry(db);
  const users = createSqliteUserStore(db);
  const store = await openTelemetryStore(config, { db, registry, logger, metrics });
  const auth = createAuthService({ users, tokenTtlMs: config.tokenTtlMs });
  if (config.adminPassword) {
    const { changed } = await auth.bootstrapAdmin(config.adminPassword);
    if (changed) logger.info('user admin created, or its password reset, from HEATWATCH_ADMIN_PASSWORD');
  } else if (users.list().length === 0) {
    logger.warn('no users exist: set HEATWATCH_ADMIN_PASSWORD to create the admin account');
  }

  const rejections = createRejectionLog(metrics);
  const presence = createDevicePresence(registry);
  const http = await createHttpServer({
    logger,
    dashboardDir,
    trustProxy: config.http.trustProxy,
    connectionsPerAddress: config.http.connectionsPerAddress,
    imageSources: tileImageSources(config.map),
  });
  const live = createLiveHub({ http: http.server, auth, intervalMs: config.liveIntervalMs, onClientCount: (n) => metrics.socketClients.set(n) });

  // A full outbox or a broken disk fails every batch: say so every 10 s, not hundreds of times.
  let failures = 0;
  let lastReport = 0;
  const writeFailures = (err: Error) => {
    failures++;
    if (Date.now() - lastReport < 10_000) return;
    logger.error({ err: err.cause ?? err, failedBatches: failures }, 'telemetry writes failing: senders are not acknowledged and will send again');
    failures = 0;
    lastReport = Date.now();
  };
  const tickets = createTicketService({
    store: createSqliteTicketStore(db),
    // The rules runtime is built next; deadlines are looked up at call time.
    deadlines: {
      dueAt: (t, at) => rules.deadlines.dueAt(t, at),
      complexAnswerDueAt: (at) => rules.deadlines.complexAnswerDueAt(at),
      callbackDueAt: (at) => rules.deadlines.callbackDueAt(at),
    },
    device: (id) => registry.get(id),
    onChange: (t) => live.publishTicket(t),
    onOpened: (t) => alerting.onTicketOpened(t),
    onDataQuality: (deviceId, at, detail) => presence.flagDataQuality(deviceId, at, detail),
  });
  // Links in messages point at the public address, known for sure only once listening.
  let publicUrl = config.publicUrl ?? '';
  const ackLinks = createAckLinks(loadAckKey(config.dataDir, config.ackLinkSecret), () => publicUrl);
  const alertStore = createSqliteAlertStore(db, createSecretBox(loadSecretsKey(config.dataDir, config.secretsKey)));
  // Seals channels stored in plain text by an older version, and fails start-up on a wrong key.
  for (const channel of alertStore.channels()) alertStore.putChannel(channel);
  const alerting = createAlertingService({
    store: alertStore,
    tickets: { get: (id) => tickets.find(id), note: (id, actor, action, note) => tickets.note(id, actor, action, note) },
    place: (t) => {
      const d = t.deviceId ? registry.get(t.deviceId) : undefined;
      return [d?.name ?? t.substationId ?? '', t.address ?? d?.address ?? ''].filter(Boolean).join(' · ') || '—';
    },
    // Stored configs were validated when saved; parsing again applies defaults added since.
    notifierFor: (channel) => createNotifier(channelConfigSchema.parse(channel.config)),
    links: ackLinks,
    logger,
    onDelivery: (channel, ok) => metrics.notifications.inc({ channel, outcome: ok ? 'sent' : 'failed' }),
  });
  metrics.onCollect('alerting', () => metrics.channelsFailing.set(alerting.failingChannels().length));
  const fleetClock = createFleetClock();
  // Which rooms each substation feeds, for correlation; rebuilt after provisioning.
  let roomIndex: Map<string, string[]> | null = null;
  const roomsBySubstation = () => {
    if (!roomIndex) {
      roomIndex = new Map();
      for (const d of registry.list()) if (d.kind === 'room' && d.substationId) roomIndex.set(d.substationId, [...(roomIndex.get(d.substationId) ?? []), d.id]);
    }
    return roomIndex;
  };
  const rules = createRulesRuntime({
    rulesFile: config.rulesFile,
    workdaysFile: config.workdaysFile,
    device: (id) => registry.get(id),
    roomsOf: (substationId) => roomsBySubstation().get(substationId) ?? [],
    suppressed: (_deviceId, substationId, at) => tickets.suppressed(substationId, at),
    onEvents: (events) => tickets.applyRuleEvents(events),
    openEpisodes: () =>
      tickets.active().flatMap((t) =>
        t.source === 'rule' && t.deviceId && t.recoveredAt === null && (t.rule === 'room_low' || t.rule === 'sudden_drop' || t.rule === 'substation_collapse' || t.rule === 'offline')
          ? [{ deviceId: t.deviceId, rule: t.rule, at: Date.parse(t.eventAt ?? t.openedAt) }]
          : [],
      ),
    logger,
  });
  metrics.onCollect('tickets', () => {
    metrics.ticketsOpen.reset();
    for (const t of tickets.active()) metrics.ticketsOpen.inc({ type: t.type, deadline: t.deadlineState });
  });

  const writer = createBatchWriter({
    store,
    maxBatch: config.write.maxBatch,
    maxDelayMs: config.write.maxDelayMs,
    onWriteTime: (s) => metrics.storeWriteSeconds.observe(s),
    onError: (err) => writeFailures(err),
    onDurable: (readings) => {
      // One counter update per kind and batch: a labelled inc() per reading shows in profiles.
      let rooms = 0;
      for (const r of readings) if (r.kind === 'room') rooms++;
      if (rooms > 0) metrics.readingsAccepted.inc({ kind: 'room' }, rooms);
      if (readings.length > rooms) metrics.readingsAccepted.inc({ kind: 'substation' }, readings.length - rooms);
      presence.noteReadings(readings, Date.now());
      live.publishReadings(readings);
      fleetClock.note(readings);
      rules.onReadings(readings);
      if (fleetClock.due()) rules.onTick(fleetClock.now());
    },
  });
  const intake = createTelemetryIntake({ registry, writer, rejections, onRefusedMessage: (deviceId) => rules.onSeen(deviceId, fleetClock.now()) });
  const onPresence = (deviceId: string, _kind: DeviceKind, online: boolean) => {
    const device = registry.get(deviceId);
    if (device && presence.setOnline(deviceId, online)) live.publishDevice({ ...device, ...presence.view(deviceId) });
  };
  const devices = createDeviceService({
    registry,
    onProvisioned: (device) => {
      roomIndex = null;
      live.publishDevice({ ...device, ...presence.view(device.id) });
    },
  });

  let broker: Broker | undefined;
  let consumer: ExternalConsumer | undefined;
  let mqttPort: number | null = null;
  if (config.mqtt.externalUrl) {
    consumer = await startExternalConsumer({
      url: config.mqtt.externalUrl,
      clientId: config.mqtt.clientId,
      username: config.mqtt.username,
      password: config.mqtt.password,
      protocolVersion: config.mqtt.protocolVersion,
      intake,
      rejections,
      onPresence,
      logger,
    });
  } else {
    broker = await createBroker({ registry, rejections, intake, rate: config.deviceRate, logger: logger.child({ component: 'broker' }), onPresence });
    broker.aedes.on('clientReady', () => metrics.mqttClients.set(broker!.connectedDevices()));
    broker.aedes.on('clientDisconnect', () => metrics.mqttClients.set(broker!.connectedDevices()));
    broker.attachWebSocket(http.server, '/mqtt');
    mqttPort = await broker.listen(config.mqtt.port, config.mqtt.host);
  }

  // socket.io and (embedded) MQTT over WebSocket take their upgrades; any other is answered now.
  refuseUnservedUpgrades(http.server, (pathname) => pathname.startsWith('/socket.io/') || (broker !== undefined && pathname === '/mqtt'));

  const backlog = () => store.health().backlog + writer.pending;
  metrics.onCollect('backlog', () => metrics.storeBacklog.set(backlog()));
  const health = (): HealthReport => {
    const s = store.health();
    const mqttUp = consumer ? consumer.connected() : true;
    return {
      status: s.state === 'ok' && mqttUp ? 'ok' : 'degraded',
      uptimeSec: Math.round((Date.now() - started) / 1000),
      store: { name: store.name, state: s.state, backlog: backlog(), detail: s.detail },
      mqtt: { mode: consumer ? 'external' : 'embedded', connected: mqttUp, devicesConnected: broker?.connectedDevices() ?? 0 },
      devices: registry.count(),
    };
  };

  const allow = createRoleGuard(auth);
  registerAuthRoutes(http, { auth, allow });
  registerDeviceRoutes(http, { allow, devices, registry, presence, store, rejections });
  registerTicketRoutes(http, { allow, tickets, registry, store });
  const brokerInfo: BrokerInfo = config.mqtt.externalUrl
    ? { mode: 'external', url: withoutCredentials(config.mqtt.externalUrl) }
    : { mode: 'embedded', port: mqttPort!, wsPath: '/mqtt' };
  registerSystemRoutes(http, { health, broker: brokerInfo, registry: metrics.registry, metricsToken: config.http.metricsToken, map: config.map, allow });
  registerAlertingRoutes(http, {
    allow,
    alerting,
    store: alertStore,
    acknowledge: (id, actor) => void tickets.step(id, 'acknowledge', actor, {}),
    links: ackLinks,
  });
  await http.listen({ port: config.http.port, host: config.http.host });
  const httpPort = (http.server.address() as { port: number }).port;

  const runRetention = () =>
    store.applyRetention(Date.now()).then(
      (r) => r.deleted > 0 && logger.info(r, 'raw readings past retention rolled up and removed'),
      (err: unknown) => logger.error({ err }, 'retention failed'),
    );
  const housekeeping = [
    setInterval(() => presence.persist(), 5_000),
    setInterval(() => fleetClock.due() && rules.onTick(fleetClock.now()), 5_000),
    setInterval(() => auth.purgeExpired(), 3_600_000),
    // Soon after start as well as hourly: a process restarted often must still apply retention.
    setTimeout(runRetention, 60_000),
    setInterval(runRetention, 3_600_000),
  ];
  const shownHost = config.http.host === '0.0.0.0' ? 'localhost' : config.http.host;
  const url = `http://${shownHost}:${httpPort}`;
  publicUrl ||= url;
  alerting.start();
  logger.info(
    { version, httpPort, mqttPort, mqttWs: broker ? `ws://${shownHost}:${httpPort}/mqtt` : undefined, externalBroker: config.mqtt.externalUrl, dataDir: config.dataDir, store: store.name, devices: registry.count(), startupMs: Date.now() - started },
    `HeatWatch listening on ${url}`,
  );

  let closing: Promise<void> | undefined;
  return {
    httpPort,
    mqttPort,
    url,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };

  async function shutdown(): Promise<void> {
    for (const t of housekeeping) clearTimeout(t);
    // Stop taking new messages, write what was taken, then release the rest.
    await consumer?.close();
    const brokerClosed = broker?.close();
    await writer.drain();
    await brokerClosed;
    // With InfluxDB: deliver what the outbox holds if InfluxDB answers; what it cannot take
    // stays on disk for the next start.
    if (store.drain && !(await store.drain(10_000))) logger.warn({ backlog: store.health().backlog }, 'outbox not empty at shutdown: delivered at next start');
    presence.persist();
    rules.close();
    await alerting.close();
    await live.close();
    await http.close();
    await store.close();
    db.close();
  }
}

async function openTelemetryStore(
  config: Config,
  deps: { db: Db; registry: DeviceRegistry; logger: Logger; metrics: Metrics },
): Promise<TelemetryStore & { drain?: (timeoutMs: number) => Promise<boolean> }> {
  if (!config.influx) {
    return createSqliteTelemetryStore(deps.db, {
      rawRetentionDays: config.retention.rawDays,
      aggregateRetentionDays: config.retention.aggregateDays,
    });
  }
  const target = createInfluxTarget({ ...config.influx, substationOf: (id) => deps.registry.get(id)?.substationId ?? null });
  await target.ensureDatabase();
  if (!config.outbox.enabled) {
    deps.logger.warn({ url: config.influx.url }, 'outbox off: a PUBACK waits for InfluxDB, and an InfluxDB outage disconnects every sensor');
    return target.store;
  }
  const outboxDb = openSqliteFile(config.dataDir, 'outbox.db');
  deps.logger.info({ url: config.influx.url, db: config.influx.db }, 'telemetry goes to InfluxDB through the outbox');
  return createOutboxTelemetryStore({
    db: outboxDb,
    target,
    maxBacklog: config.outbox.maxReadings,
    alarmBacklog: config.outbox.alarmReadings,
    logger: deps.logger,
    onDelivered: (n) => deps.metrics.outboxDelivered.inc(n),
  });
}

/** An external broker's URL as it may be shown to a signed-in user: no user name, no password. */
function withoutCredentials(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

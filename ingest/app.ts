/**
 * The composition root: builds every part from the configuration and wires them, in the order
 * a reading travels. `npm start` (ingest/main.ts), the demo, the tests and the bench all start
 * HeatWatch through here. Nothing is referenced before it is built; fan-out is a list.
 *
 *   MQTT (start-mqtt) → intake (validate) → batch writer → telemetry store → after commit:
 *     metrics · presence · live map · fleet clock · rules → tickets → live map · alerting → pager
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { tileImageSources } from './contracts/map-config.ts';
import type { DeviceKind } from './contracts/topics.ts';
import { openTelemetryStore } from './adapters/open-telemetry-store.ts';
import { channelConfigSchema, createNotifier } from './adapters/notifiers/create-notifier.ts';
import { openDatabase } from './adapters/sqlite/open-database.ts';
import { openRelationalStores } from './adapters/open-relational-store.ts';
import { createRoleGuard } from './http/authorize.ts';
import { refuseUnservedUpgrades } from './http/connection-guard.ts';
import { createHttpServer, serverUrl } from './http/create-http-server.ts';
import { registerAlertingRoutes } from './http/routes/alerting-routes.ts';
import { registerAuthRoutes } from './http/routes/auth-routes.ts';
import { registerDeviceRoutes } from './http/routes/device-routes.ts';
import { registerBrokerAuthRoutes } from './http/routes/broker-auth-routes.ts';
import { registerSystemRoutes } from './http/routes/system-routes.ts';
import { registerReportRoutes } from './http/routes/report-routes.ts';
import { registerTicketRoutes } from './http/routes/ticket-routes.ts';
import { registerHouseholdRoutes } from './http/routes/household-routes.ts';
import { createHouseholdService } from './services/household-service.ts';
import { registerOutageRoutes } from './http/routes/outage-routes.ts';
import { registerHandoverRoutes } from './http/routes/handover-routes.ts';
import { createHandoverService } from './services/handover-service.ts';
import { createVisitService } from './services/visit-service.ts';
import { registerVisitRoutes } from './http/routes/visit-routes.ts';
import { registerMyDayRoutes } from './http/routes/my-day-routes.ts';
import { createMyDayService } from './services/my-day-service.ts';
import { registerVisitRoundRoutes } from './http/routes/visit-round-routes.ts';
import { createVisitRounds } from './services/visit-round-service.ts';
import { CALIBRATION_LIMIT_C } from './contracts/visits.ts';
import { mayReadTicket } from './contracts/tickets.ts';
import { createWeatherSource } from './services/weather-source.ts';
import { connectRedisAdapter } from './live/redis-adapter.ts';
import { createDayJudgement } from './services/day-judgement.ts';
import { registerSearchRoutes } from './http/routes/search-routes.ts';
import { createSearchService } from './services/search-service.ts';
import { createNoticeService } from './services/notice-service.ts';
import { createLiveHub } from './live/live-hub.ts';
import { startMqtt } from './mqtt/start-mqtt.ts';
import { startRulesFeed } from './mqtt/rules-feed.ts';
import { startLeadership, type LeaderQueue } from './adapters/postgres/pg-leadership.ts';
import type { Reading } from './contracts/payloads.ts';
import { createHealth } from './observability/health.ts';
import { createMetrics } from './observability/metrics.ts';
import { afterCommit } from './pipeline/after-commit.ts';
import { createBatchWriter } from './pipeline/batch-writer.ts';
import { createDevicePresence } from './pipeline/device-presence.ts';
import { createFleetClock } from './pipeline/fleet-clock.ts';
import { createRejectionLog } from './pipeline/rejection-log.ts';
import { createTelemetryIntake } from './pipeline/telemetry-intake.ts';
import { createWriteFailureLog } from './pipeline/write-failure-log.ts';
import { createSecretBox, loadSecretsKey } from './security/secret-box.ts';
import { createAckLinks, loadAckKey } from './services/ack-links.ts';
import { createAlertingService } from './services/alerting-service.ts';
import { createAuthService } from './services/auth-service.ts';
import { createDeviceService } from './services/device-service.ts';
import { startHousekeeping } from './services/housekeeping.ts';
import { createOutageService } from './services/outage-service.ts';
import { createReportService } from './services/report-service.ts';
import { addDays, localDateOf, type LocalDate } from './contracts/beijing-time.ts';
import { createRulesConfigSource } from './services/rules-config-source.ts';
import { createRulesRuntime } from './services/rules-runtime.ts';
import { createTicketService } from './services/ticket-service.ts';

/** How far back a node that becomes the rules leader reads the readings (the default rules' longest window). */
const RULES_LOOK_BACK_MS = 60 * 60_000;

/** The project's folder (its package.json): above ingest/ as written, above build/ingest/ compiled. */
const root = ((dir: string): string => {
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})(path.dirname(fileURLToPath(import.meta.url)));
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

export interface HeatWatch {
  httpPort: number;
  /** Port of the embedded broker, or null when consuming from an external one. */
  mqttPort: number | null;
  url: string;
  /** Reads the rules file again (SIGHUP); false when it was refused and the old rules stay. */
  reloadRules(): boolean;
  /**
   * Judges a finished Beijing day: its room-days kept for the reports, its room tickets'
   * design-temperature exemption on that day's mean (housekeeping does it hourly for yesterday).
   */
  judgeDay(date: LocalDate): Promise<{ exempted: number; cleared: number }>;
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
  // Relational data: the SQLite file, or PostgreSQL shared by several nodes (HEATWATCH_DATABASE_URL).
  const secretsKey = loadSecretsKey(config.dataDir, config.secretsKey);
  const ackKey = loadAckKey(config.dataDir, config.ackLinkSecret);
  const stores = await openRelationalStores({ databaseUrl: config.databaseUrl, db, box: createSecretBox(secretsKey), keys: { secrets: secretsKey, ackLinks: ackKey }, logger });
  const { registry, alerts: alertStore, tickets: ticketStore, households: householdStore, outages: outageStore } = stores;
  const store = await openTelemetryStore({ config, db, registry, logger, onDelivered: (n) => metrics.outboxDelivered.inc(n) });
  const auth = createAuthService({ users: stores.users, tokenTtlMs: config.tokenTtlMs });
  await auth.bootstrapFromEnv(config.adminPassword, logger);

  const http = await createHttpServer({
    logger,
    dashboardDir,
    trustProxy: config.http.trustProxy,
    connectionsPerAddress: config.http.connectionsPerAddress,
    imageSources: tileImageSources(config.map),
  });
  const redis = config.http.redis ? await connectRedisAdapter({ ...config.http.redis, logger }) : undefined;
  const live = createLiveHub({ http: http.server, auth, intervalMs: config.liveIntervalMs, onClientCount: (n) => metrics.socketClients.set(n), ...(redis ? { adapter: redis.adapter } : {}) });
  const presence = await createDevicePresence(registry);
  const devices = createDeviceService({ registry });
  devices.onProvisioned((device) => live.publishDevice({ ...device, ...presence.view(device.id) }));
  // Several nodes: each takes a share of the readings and connections; every device list shows them all.
  live.onPeerNews((news) => presence.applyPeerNews(news, Date.now()));
  const tellQuality = (deviceId: string) => live.tellPeers({ kind: 'quality', deviceId, quality: presence.view(deviceId).dataQuality });

  // Tickets, and the pages they cause; deadlines from the rules in force (reloaded as they change).
  const rulesConfig = createRulesConfigSource({ rulesFile: config.rulesFile, workdaysFile: config.workdaysFile, logger });
  const tickets = createTicketService({ store: ticketStore, deadlines: rulesConfig.deadlines, device: registry.get });
  const households = createHouseholdService({ store: householdStore, device: registry.get });
  // Stops, and the notices that tell their households (through the customer channels).
  // A node that does not lead queues pages and notices for the one that does, and wakes it.
  const { wakeLeader } = stores;
  const wakeSender = (queue: LeaderQueue) =>
    wakeLeader ? () => void wakeLeader(queue).catch((err: unknown) => logger.warn({ err }, `waking the leader for ${queue} failed: it sends them at its next look (≤ 5 s)`)) : undefined;
  const notices = createNoticeService({
    store: outageStore,
    households: householdStore,
    settings: alertStore,
    notifierFor: (channel) => createNotifier(channelConfigSchema.parse(channel.config)),
    nameOf: (id) => registry.get(id)?.name,
    logger,
    onDelivery: (ok) => metrics.notifications.inc({ channel: 'customer', outcome: ok ? 'sent' : 'failed' }),
    wakeSender: wakeSender('notices'),
  });
  const outages = createOutageService({ store: outageStore, device: registry.get, notices });
  const ackLinks = createAckLinks(ackKey, () => config.publicUrl ?? serverUrl(http.server, config.http.host));
  const alerting = createAlertingService({
    store: alertStore,
    tickets,
    timeline: tickets.timeline,
    device: registry.get,
    // Stored configs were validated when saved; parsing again applies defaults added since.
    notifierFor: (channel) => createNotifier(channelConfigSchema.parse(channel.config)),
    links: ackLinks,
    logger,
    onDelivery: (channel, ok) => metrics.notifications.inc({ channel, outcome: ok ? 'sent' : 'failed' }),
    wakeSender: wakeSender('alerts'),
  });
  tickets.onChange(live.publishTicket);
  tickets.onOpened(alerting.onTicketOpened);
  tickets.onChange((t) => void alerting.onTicketChanged(t).catch((err: unknown) => logger.error({ err, ticketId: t.id }, "planning a ticket's callback alerts failed")));
  await outages.refresh();

  // The rules: every durable batch in, events out to the tickets and the devices' flags.
  const fleetClock = createFleetClock();
  const weather = createWeatherSource({ ...config.weather, logger });
  const rules = await createRulesRuntime({
    source: rulesConfig,
    outdoorTemp: (_substationId, at) => weather?.dayMean(localDateOf(at)),
    device: registry.get,
    roomsOf: devices.roomsOf,
    suppressed: outages.covers,
    openEpisodes: tickets.openEpisodes,
    onEvents: (events) => {
      // Stored in order behind the batches before; a failure is logged, the next batch still goes in.
      tickets.applyRuleEvents(events).catch((err: unknown) => logger.error({ err, events: events.length }, 'rule events could not be applied to the tickets'));
      presence.applyRuleEvents(events);
      for (const e of events) if (e.kind === 'data_quality') tellQuality(e.deviceId);
    },
    onReloadError: (err) => logger.error({ err }, 'the new rules could not learn the open episodes: the rules in force stay'),
  });
  // Several nodes (PostgreSQL): the rules, the offline tick, the pages and notices and the day's
  // judgement run on one of them, the leader (pg-leadership.ts); alone, a node always leads. With an
  // external broker the nodes share the readings out for storing, and the leader reads them all
  // through a plain subscription of its own (rules-feed.ts) instead of from its commits.
  const cluster = stores.kind === 'postgres';
  const rulesFromFeed = cluster && config.mqtt.externalUrl !== undefined;
  let leading = !cluster;
  const tick = () => leading && fleetClock.due() && rules.onTick(fleetClock.now());
  const judgeReadings = (readings: readonly Reading[]) => {
    if (!leading) return;
    rules.onReadings(readings);
    tick();
  };

  // The path of a reading: broker → intake → batch writer → store → after commit.
  const writer = createBatchWriter({
    store,
    maxBatch: config.write.maxBatch,
    maxDelayMs: config.write.maxDelayMs,
    onWriteTime: (s) => metrics.storeWriteSeconds.observe(s),
    onError: createWriteFailureLog(logger),
    onDurable: afterCommit(
      [
        { name: 'metrics', onCommit: metrics.countAccepted },
        { name: 'presence', onCommit: (readings) => presence.noteReadings(readings, Date.now()) },
        { name: 'live', onCommit: live.publishReadings },
        { name: 'fleet-clock', onCommit: fleetClock.note },
        { name: 'rules', onCommit: (readings) => rulesFromFeed || judgeReadings(readings) },
      ],
      (name, err) => logger.error({ err, subscriber: name }, 'a subscriber failed on a committed batch'),
    ),
  });
  const rejections = createRejectionLog(metrics);
  const seen = (deviceId: string) => leading && rules.onSeen(deviceId, fleetClock.now());
  const intake = createTelemetryIntake({ registry, writer, rejections, onRefusedMessage: (deviceId) => rulesFromFeed || seen(deviceId) });
  const onPresence = (deviceId: string, _kind: DeviceKind, online: boolean) => {
    const device = registry.get(deviceId);
    if (!device || !presence.setOnline(deviceId, online)) return;
    live.publishDevice({ ...device, ...presence.view(deviceId) });
    live.tellPeers({ kind: 'online', deviceId, online });
  };
  const mqtt = await startMqtt({ config, registry, intake, rejections, onPresence, onClientCount: (n) => metrics.mqttClients.set(n), http: http.server, logger });
  // socket.io and (embedded) MQTT over WebSocket take their upgrades; any other is answered now.
  refuseUnservedUpgrades(http.server, (pathname) => pathname.startsWith('/socket.io/') || mqtt.servesUpgrade(pathname));

  // What is looked at: health, metrics, the API.
  const backlog = () => store.health().backlog + writer.pending;
  metrics.readFrom({ backlog, openTickets: tickets.active, failingChannels: () => alerting.failingChannels().length });
  const allow = createRoleGuard(auth);
  registerAuthRoutes(http, { auth, allow, loginsPerMinute: config.http.loginsPerMinute });
  registerDeviceRoutes(http, { allow, devices, registry, presence, store, rejections });
  if (config.http.brokerAuthToken) registerBrokerAuthRoutes(http, { registry, token: config.http.brokerAuthToken });
  registerTicketRoutes(http, { allow, tickets, registry, store, households, people: async () => (await alerting.roster()).people, roster: alerting.roster, pageAssignee: alerting.pageAssignee });
  registerHouseholdRoutes(http, { allow, households });
  registerOutageRoutes(http, { allow, outages, notices });
  const handovers = createHandoverService({
    store: stores.handovers,
    activeTickets: tickets.active,
    stops: outages.list,
    nameOf: (id) => registry.get(id)?.name,
    personOf: async (username) => (await auth.names()).find((u) => u.username === username)?.displayName || username,
  });
  handovers.onChange(live.publishHandover);
  registerHandoverRoutes(http, { allow, handovers });
  const visits = createVisitService({
    store: stores.visits,
    household: householdStore.get,
    device: registry.get,
    ticket: tickets.find,
    step: (id, step, actor, input) => tickets.step(id, step, actor, input),
    readings: (deviceId, from, to) => store.read({ deviceId, kind: 'room', from, to, limit: 200 }),
    onCalibration: (deviceId, flag) => {
      presence.flagCalibration(deviceId, flag && { ...flag, limitC: CALIBRATION_LIMIT_C });
      tellQuality(deviceId);
      const device = registry.get(deviceId);
      if (device) live.publishDevice({ ...device, ...presence.view(deviceId) });
    },
    maintenance: (deviceId, flag, actor) =>
      tickets.calibration(deviceId, flag && { fact: { fact: 'calibrate', measuredC: flag.measuredC, sensorC: flag.sensorC, limitC: CALIBRATION_LIMIT_C, visitId: flag.visitId }, at: flag.at }, actor),
  });
  await visits.restoreFlags();
  registerVisitRoutes(http, { allow, visits });
  registerVisitRoundRoutes(http, { allow, rounds: createVisitRounds({ householdsOf: async (substationId) => (await householdStore.list({ substationId, limit: 100_000, offset: 0 })).households, device: registry.get, visits }) });
  registerMyDayRoutes(http, { allow, myDay: createMyDayService({ roster: alerting.roster, scheduled: visits.scheduled, household: householdStore.get, activeTickets: tickets.active, displayName: async (u) => (await auth.names()).find((n) => n.username === u)?.displayName ?? '' }) });
  registerSearchRoutes(http, { allow, search: createSearchService({ tickets: ticketStore, households: householdStore, devices: registry.list, view: (t) => tickets.view(t) }) });
  const reports = createReportService({ store, registry, tickets: ticketStore, outages, rules: rulesConfig, visits, ...(weather ? { weather } : {}) });
  registerReportRoutes(http, { allow, registry, reports });
  registerSystemRoutes(http, {
    health: createHealth({ startedAt: started, store, backlog, mqtt, registry, leading: () => leading }),
    broker: mqtt.info,
    registry: metrics.registry,
    metricsToken: config.http.metricsToken,
    map: config.map,
    ruleNumbers: rulesConfig.numbers,
    allow,
  });
  registerAlertingRoutes(http, { allow, alerting, store: alertStore, acknowledge: (id, actor) => tickets.step(id, 'acknowledge', actor, { via: 'ack_link' }),
    mayRead: async (role, id) => {
      const t = await tickets.find(id);
      return t === undefined || mayReadTicket(role, t);
    },
    links: ackLinks,
  });
  await http.listen({ port: config.http.port, host: config.http.host });
  const httpPort = (http.server.address() as { port: number }).port;

  const days = createDayJudgement({ reports, tickets, store, ...(weather ? { weather } : {}), designTempC: () => rulesConfig.current().outdoor.designTempC });
  const stopHousekeeping = startHousekeeping({
    persistPresence: presence.persist,
    tick,
    purgeSessions: auth.purgeExpired,
    store,
    // Yesterday judged once it is over: the month's report reads the kept days, not the readings,
    // and its room tickets' exemption follows that day's mean outdoors.
    judgeYesterday: async () => {
      if (!leading) return;
      const r = await days.judge(addDays(localDateOf(Date.now()), -1));
      if (r.exempted + r.cleared > 0) logger.info(r, "yesterday's room tickets judged again on the day's mean outdoor temperature");
    },
    logger,
  });

  // The leader's work. Taking it over: the rules start afresh from the open tickets and look back
  // over the last hour of readings (every node's), then judge what comes; what is due is paged.
  let feed: { close(): Promise<void> } | undefined;
  let stopsRefresh: NodeJS.Timeout | undefined;
  const feedIntake = createTelemetryIntake({
    registry,
    // Nothing stored (the node the broker gave the message to stores it), nothing counted twice.
    writer: {
      submit: (readings, release) => {
        release(null);
        fleetClock.note(readings);
        judgeReadings(readings);
      },
    },
    rejections: { record: () => undefined },
    onRefusedMessage: seen,
  });
  async function lead(): Promise<void> {
    if (cluster) {
      // What the other nodes did meanwhile: tickets opened or closed, stops registered (and, while
      // this node leads, stops registered elsewhere reach its rules within 5 s).
      await rules.restart();
      await outages.refresh();
      stopsRefresh = setInterval(() => void outages.refresh().catch((err: unknown) => logger.warn({ err }, 'reading the stops failed')), 5_000);
    }
    leading = true;
    if (rulesFromFeed) {
      const m = config.mqtt;
      feed = startRulesFeed({ url: m.externalUrl!, clientId: `${m.shareGroup ?? 'heatwatch'}-rules`, username: m.username, password: m.password, protocolVersion: m.protocolVersion, intake: feedIntake, logger });
    }
    if (cluster) {
      const now = Date.now();
      for (const kind of ['substation', 'room'] as const) {
        const recent = await store.recent({ kind, from: now - RULES_LOOK_BACK_MS, to: now + 1, limit: 1_000_000 });
        fleetClock.note(recent);
        judgeReadings(recent);
      }
    }
    await alerting.start();
    notices.start();
  }
  async function standDown(): Promise<void> {
    leading = false;
    clearInterval(stopsRefresh);
    await feed?.close();
    feed = undefined;
    await alerting.stop();
    await notices.stop();
  }
  const onWake = (queue: LeaderQueue) => (queue === 'alerts' ? alerting.kick() : notices.kick());
  const leadership = cluster ? await startLeadership({ url: config.databaseUrl!, onGained: lead, onLost: standDown, onWake, logger }) : undefined;
  if (!cluster) await lead();

  const url = serverUrl(http.server, config.http.host);
  logger.info(
    { version, httpPort, mqttPort: mqtt.port, rulesLeader: leading, mqttWs: mqtt.mode === 'embedded' ? `${url.replace(/^http/, 'ws')}/mqtt` : undefined, externalBroker: config.mqtt.externalUrl, dataDir: config.dataDir, store: store.name, devices: registry.count(), startupMs: Date.now() - started },
    `HeatWatch listening on ${url}`,
  );

  async function shutdown(): Promise<void> {
    stopHousekeeping();
    // Another node takes the rules and the pages over at once.
    await leadership?.close();
    await standDown();
    // Stop taking new messages, write what was taken, then release the rest.
    const mqttClosed = mqtt.close();
    if (mqtt.mode === 'external') await mqttClosed;
    await writer.drain();
    await mqttClosed;
    // With InfluxDB: deliver what the outbox holds if InfluxDB answers; what it cannot take
    // stays on disk for the next start.
    if (store.drain && !(await store.drain(10_000))) logger.warn({ backlog: store.health().backlog }, 'outbox not empty at shutdown: delivered at next start');
    await presence.persist().catch((err: unknown) => logger.error({ err }, "the devices' last values could not be saved at shutdown"));
    rulesConfig.close();
    weather?.close();
    await alerting.close();
    await notices.close();
    await live.close();
    await redis?.close();
    await http.close();
    await store.close();
    await stores.close();
    db.close();
  }
  let closing: Promise<void> | undefined;
  return {
    httpPort,
    mqttPort: mqtt.port,
    url,
    reloadRules: rulesConfig.reload,
    judgeDay: (date) => days.judge(date),
    close: () => (closing ??= shutdown()),
  };
}

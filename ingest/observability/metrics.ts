/** Prometheus metrics (GET /metrics). Labels are bounded sets only: never a device id. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Reading } from '../contracts/payloads.ts';

export interface GaugeSources {
  /** Readings accepted and not yet durable. */
  backlog(): number;
  openTickets(): Promise<readonly { type: string; deadlineState: string }[]>;
  failingChannels(): number;
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // The Node.js version tells an attacker which advisories apply: not for a scrape endpoint.
  registry.removeSingleMetric('nodejs_version_info');
  // Gauges whose values live elsewhere are read from their sources just before each scrape.
  let sources: GaugeSources | undefined;
  const metrics = {
    registry,
    readFrom(s: GaugeSources): void {
      sources = s;
    },
    readingsAccepted: new Counter({
      name: 'heatwatch_readings_accepted_total',
      help: 'Readings validated and stored',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    readingsRejected: new Counter({
      name: 'heatwatch_readings_rejected_total',
      help: 'Messages or readings refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    storeWriteSeconds: new Histogram({
      name: 'heatwatch_store_write_seconds',
      help: 'Time to make one batch durable in the telemetry store',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    storeBacklog: new Gauge({
      name: 'heatwatch_store_backlog',
      help: 'Readings accepted and waiting to be durable',
      registers: [registry],
      collect() {
        if (sources) this.set(sources.backlog());
      },
    }),
    outboxDelivered: new Counter({
      name: 'heatwatch_outbox_delivered_total',
      help: 'Readings delivered from the outbox to InfluxDB',
      registers: [registry],
    }),
    ticketsOpen: new Gauge({
      name: 'heatwatch_tickets_open',
      help: 'Tickets not closed, by type and deadline state',
      labelNames: ['type', 'deadline'] as const,
      registers: [registry],
      async collect() {
        if (!sources) return;
        const open = await sources.openTickets();
        this.reset();
        for (const t of open) this.inc({ type: t.type, deadline: t.deadlineState });
      },
    }),
    mqttClients: new Gauge({
      name: 'heatwatch_mqtt_clients',
      help: 'Devices connected to the embedded broker',
      registers: [registry],
    }),
    socketClients: new Gauge({
      name: 'heatwatch_live_clients',
      help: 'Dashboards connected over socket.io',
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'heatwatch_notifications_total',
      help: 'Notification attempts by channel type and outcome (sent, failed)',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    channelsFailing: new Gauge({
      name: 'heatwatch_alert_channels_failing',
      help: 'Alert channels that failed 3 or more times in a row',
      registers: [registry],
      collect() {
        if (sources) this.set(sources.failingChannels());
      },
    }),
    /** After each commit: one counter update per kind and batch (a labelled inc() per reading shows in profiles). */
    countAccepted(readings: readonly Reading[]): void {
      let rooms = 0;
      for (const r of readings) if (r.kind === 'room') rooms++;
      if (rooms > 0) metrics.readingsAccepted.inc({ kind: 'room' }, rooms);
      if (readings.length > rooms) metrics.readingsAccepted.inc({ kind: 'substation' }, readings.length - rooms);
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

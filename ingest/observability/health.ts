/** GET /api/health: the store's state and backlog, the broker's, and the fleet's size. */
import type { HealthReport } from '../http/routes/system-routes.ts';
import type { MqttFront } from '../mqtt/start-mqtt.ts';
import type { DeviceRegistry } from '../ports/device-registry.ts';
import type { TelemetryStore } from '../ports/telemetry-store.ts';

export interface HealthDeps {
  startedAt: number;
  store: Pick<TelemetryStore, 'name' | 'health'>;
  /** Readings accepted and not yet durable: the store's backlog and the batch being gathered. */
  backlog: () => number;
  mqtt: Pick<MqttFront, 'mode' | 'connected' | 'devicesConnected'>;
  registry: Pick<DeviceRegistry, 'count'>;
  leading: () => boolean;
  clock?: () => number;
}

export function createHealth({ startedAt, store, backlog, mqtt, registry, leading, clock = Date.now }: HealthDeps): () => HealthReport {
  return () => {
    const s = store.health();
    const mqttUp = mqtt.connected();
    return {
      status: s.state === 'ok' && mqttUp ? 'ok' : 'degraded',
      uptimeSec: Math.round((clock() - startedAt) / 1000),
      store: { name: store.name, state: s.state, backlog: backlog(), detail: s.detail },
      mqtt: { mode: mqtt.mode, connected: mqttUp, devicesConnected: mqtt.devicesConnected() },
      devices: registry.count(),
      rulesLeader: leading(),
    };
  };
}

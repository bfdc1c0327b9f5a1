/**
 * Where readings come in: the embedded aedes broker (TCP, and WebSocket at /mqtt on the HTTP
 * server), or a subscription to an external broker (HEATWATCH_MQTT_URL). Either way each message
 * goes to the telemetry intake and each status change to `onPresence`; the rest of HeatWatch
 * sees one face.
 */
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { createBroker } from '../../broker/create-broker.ts';
import type { BrokerInfo } from '../contracts/broker-info.ts';
import type { DeviceKind } from '../contracts/topics.ts';
import type { Config } from '../config/config.ts';
import type { RejectionLog } from '../pipeline/rejection-log.ts';
import type { TelemetryIntake } from '../pipeline/telemetry-intake.ts';
import type { DeviceRegistry } from '../ports/device-registry.ts';
import { startExternalConsumer } from './external-consumer.ts';

export interface MqttFrontDeps {
  config: Pick<Config, 'mqtt' | 'deviceRate'>;
  registry: Pick<DeviceRegistry, 'credentials'>;
  intake: TelemetryIntake;
  rejections: RejectionLog;
  onPresence: (deviceId: string, kind: DeviceKind, online: boolean) => void;
  /** Devices connected to the embedded broker, on each change (metrics). */
  onClientCount?: (n: number) => void;
  /** The HTTP server that also carries MQTT over WebSocket at /mqtt (embedded mode). */
  http: HttpServer;
  logger: Logger;
}

export interface MqttFront {
  mode: 'embedded' | 'external';
  /** The embedded broker's TCP port; null with an external broker. */
  port: number | null;
  /** Where devices connect, as a signed-in user may see it (GET /api/broker). */
  info: BrokerInfo;
  /** Readings can flow: always with the embedded broker; connected and subscribed otherwise. */
  connected(): boolean;
  devicesConnected(): number;
  /** Whether an HTTP upgrade at `pathname` is MQTT over WebSocket. */
  servesUpgrade(pathname: string): boolean;
  /** Stops taking messages; what was taken is still written by the batch writer. */
  close(): Promise<void>;
}

export const MQTT_WS_PATH = '/mqtt';

export async function startMqtt(d: MqttFrontDeps): Promise<MqttFront> {
  const m = d.config.mqtt;
  if (m.externalUrl) {
    const consumer = await startExternalConsumer({
      url: m.externalUrl,
      clientId: m.clientId,
      username: m.username,
      password: m.password,
      protocolVersion: m.protocolVersion,
      ...(m.shareGroup ? { shareGroup: m.shareGroup } : {}),
      intake: d.intake,
      rejections: d.rejections,
      onPresence: d.onPresence,
      logger: d.logger,
    });
    return {
      mode: 'external',
      port: null,
      info: { mode: 'external', url: withoutCredentials(m.externalUrl) },
      connected: consumer.connected,
      devicesConnected: () => 0,
      servesUpgrade: () => false,
      close: consumer.close,
    };
  }
  const broker = await createBroker({ registry: d.registry, rejections: d.rejections, intake: d.intake, rate: d.config.deviceRate, logger: d.logger.child({ component: 'broker' }), onPresence: d.onPresence });
  const count = () => d.onClientCount?.(broker.connectedDevices());
  broker.aedes.on('clientReady', count);
  broker.aedes.on('clientDisconnect', count);
  broker.attachWebSocket(d.http, MQTT_WS_PATH);
  const port = await broker.listen(m.port, m.host);
  return {
    mode: 'embedded',
    port,
    info: { mode: 'embedded', port, wsPath: MQTT_WS_PATH },
    connected: () => true,
    devicesConnected: broker.connectedDevices,
    servesUpgrade: (pathname) => pathname === MQTT_WS_PATH,
    close: broker.close,
  };
}

/** An external broker's URL as it may be shown to a signed-in user: no user name, no password. */
function withoutCredentials(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

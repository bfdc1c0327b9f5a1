/**
 * Reads telemetry from an external broker (Mosquitto, EMQX, a standalone HeatWatch broker).
 * Persistent session at QoS 1; on MQTT 5 the PUBACK to the broker is held until the readings
 * are durable (customHandleAcks), so a crash before the commit means the broker sends them
 * again. The broker authenticates devices; ingest still refuses ids it has not provisioned.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { parseTopic, STATUS_OFFLINE, STATUS_ONLINE, TOPIC_ROOT, type DeviceKind } from '../contracts/topics.ts';
import type { RejectionLog } from '../pipeline/rejection-log.ts';
import type { TelemetryIntake } from '../pipeline/telemetry-intake.ts';

export interface ExternalConsumerOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  protocolVersion: 4 | 5;
  /** Several nodes: each message to one of the group (`$share/<group>/…`), stored once. */
  shareGroup?: string;
  intake: TelemetryIntake;
  rejections: Pick<RejectionLog, 'record'>;
  onPresence: (deviceId: string, kind: DeviceKind, online: boolean) => void;
  logger: Logger;
}

/**
 * A consumer at an external broker: a persistent session (MQTT 5: kept a day) so a restart finds
 * what was queued meanwhile; a broker that is down is retried every second, never fatal.
 */
export function persistentSession(o: { clientId: string; username?: string; password?: string; protocolVersion: 4 | 5 }): IClientOptions {
  return {
    clientId: o.clientId,
    clean: false,
    protocolVersion: o.protocolVersion,
    properties: o.protocolVersion === 5 ? { sessionExpiryInterval: 86_400 } : undefined,
    username: o.username,
    password: o.password,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  };
}

export const SUBSCRIPTIONS = [`${TOPIC_ROOT}/+/+/telemetry`, `${TOPIC_ROOT}/+/+/status`];

export async function startExternalConsumer(o: ExternalConsumerOptions) {
  const log = o.logger.child({ component: 'mqtt-consumer', broker: o.url });
  const subscriptions = o.shareGroup ? SUBSCRIPTIONS.map((t) => `$share/${o.shareGroup}/${t}`) : SUBSCRIPTIONS;
  let client: MqttClient | undefined;

  function handle(topicName: string, payload: Buffer, ack: (err: Error | null) => void): void {
    log.trace({ topic: topicName, bytes: payload.byteLength }, 'message');
    const topic = parseTopic(topicName);
    if (!topic) {
      o.rejections.record(null, 'bad_topic', `topic ${topicName.slice(0, 200)}`);
      return ack(null);
    }
    if (topic.channel === 'status') {
      const value = payload.toString();
      if (value === STATUS_ONLINE || value === STATUS_OFFLINE) o.onPresence(topic.deviceId, topic.kind, value === STATUS_ONLINE);
      else o.rejections.record(topic.deviceId, 'invalid_field', 'status must be online or offline');
      return ack(null);
    }
    o.intake(topic.kind, topic.deviceId, payload, ack);
  }

  // Not connectAsync: a broker that is down at start is retried, not fatal; health says degraded.
  client = mqtt.connect(o.url, {
    ...persistentSession(o),
    customHandleAcks: (topicName, message, packet, done) => {
      handle(topicName, message, (err) => {
        if (!err) return done(0);
        // No PUBACK: force a reconnect so the broker delivers this message again.
        log.error({ err }, 'store write failed; reconnecting for redelivery');
        done(err);
        client?.stream.destroy();
      });
    },
  });
  client.on('message', (topicName, message, packet) => {
    if (packet.qos === 0 || o.protocolVersion === 4) handle(topicName, message, () => undefined);
  });
  let wasDown = false;
  let subscribed = false;
  client.on('connect', (connack) => {
    subscribed = false;
    log.info({ sessionPresent: connack.sessionPresent }, wasDown ? 'external broker reachable again' : 'connected to external broker');
    wasDown = false;
    // Subscribing again on a kept session is harmless and covers a broker that lost it.
    client!.subscribe(subscriptions, { qos: 1 }, (err) => {
      if (err) log.error({ err }, 'subscribing failed');
      else {
        subscribed = true;
        log.info({ topics: subscriptions }, 'consuming from external broker');
      }
    });
  });
  client.on('offline', () => {
    if (!wasDown) log.warn('external broker unreachable; retrying every second');
    wasDown = true;
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'external broker error'));

  return {
    /** Connected and subscribed: readings are flowing in. */
    connected: () => (client?.connected ?? false) && subscribed,
    async close(): Promise<void> {
      await client?.endAsync();
    },
  };
}

export type ExternalConsumer = Awaited<ReturnType<typeof startExternalConsumer>>;

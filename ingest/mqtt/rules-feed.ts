/**
 * Every reading, for the rules leader (DESIGN.md §11): with several nodes the readings are shared
 * out among them for storing (`$share/…`), so the leader also subscribes plainly and hands each
 * valid reading to the rules. Nothing here is stored or counted as refused: the node that stores
 * a message does that.
 *
 * One client id for the whole cluster, used by whichever node leads, with a persistent session:
 * readings published while no node leads (the leader died, PostgreSQL is away) wait at the broker
 * for the next leader, and a leader that somehow still holds the id is cut off by the broker
 * when the new one connects with it.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { parseTopic, TOPIC_ROOT } from '../contracts/topics.ts';
import type { TelemetryIntake } from '../pipeline/telemetry-intake.ts';
import { persistentSession } from './external-consumer.ts';

export interface RulesFeedOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  protocolVersion: 4 | 5;
  /** Validates a message and hands its readings to the rules (an intake with no store behind it). */
  intake: TelemetryIntake;
  logger: Logger;
}

export const RULES_FEED_TOPIC = `${TOPIC_ROOT}/+/+/telemetry`;

/**
 * Connects in the background: a broker that is away must not keep the leader from paging (its
 * persistent session gives it what was published meanwhile once it is back).
 */
export function startRulesFeed(o: RulesFeedOptions): { close(): Promise<void> } {
  const log = o.logger.child({ component: 'rules-feed', broker: o.url });
  const client: MqttClient = mqtt.connect(o.url, persistentSession(o));
  client.on('message', (topicName, payload) => {
    const topic = parseTopic(topicName);
    if (topic?.channel === 'telemetry') o.intake(topic.kind, topic.deviceId, payload, () => undefined);
  });
  // Subscribing again on a kept session is harmless and covers a broker that lost it.
  client.on('connect', () =>
    client.subscribe(RULES_FEED_TOPIC, { qos: 1 }, (err) => (err ? log.error({ err }, 'the rules feed could not subscribe') : log.info({ topic: RULES_FEED_TOPIC }, 'the rules read every reading'))),
  );
  client.on('offline', () => log.warn('the rules feed cannot reach the broker; retrying every second'));
  client.on('error', (err) => log.warn({ err: err.message }, 'rules feed error'));
  return { close: () => client.endAsync() };
}

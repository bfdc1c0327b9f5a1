/**
 * MQTT topic contract (DESIGN.md §5): heat/{kind}/{deviceId}/{telemetry|status}.
 * Published for sensor vendors, the simulators and the dashboard; imports nothing.
 */
export const DEVICE_KINDS = ['room', 'substation'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const TOPIC_ROOT = 'heat';

export type TopicChannel = 'telemetry' | 'status';

export interface ParsedTopic {
  kind: DeviceKind;
  deviceId: string;
  channel: TopicChannel;
}

export function telemetryTopic(kind: DeviceKind, deviceId: string): string {
  return `${TOPIC_ROOT}/${kind}/${deviceId}/telemetry`;
}

export function statusTopic(kind: DeviceKind, deviceId: string): string {
  return `${TOPIC_ROOT}/${kind}/${deviceId}/status`;
}

/** Parses a device topic; returns null for anything outside the contract. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== TOPIC_ROOT) return null;
  const [, kind, deviceId, channel] = parts as [string, string, string, string];
  if (kind !== 'room' && kind !== 'substation') return null;
  if (!DEVICE_ID_PATTERN.test(deviceId)) return null;
  if (channel !== 'telemetry' && channel !== 'status') return null;
  return { kind, deviceId, channel };
}

export const STATUS_ONLINE = 'online';
export const STATUS_OFFLINE = 'offline';

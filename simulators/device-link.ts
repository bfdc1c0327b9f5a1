/**
 * One simulated device's MQTT connection, with its own credentials, as a real sensor has
 * (DESIGN.md §5): a retained `offline` last will, a retained `online` after connecting, and
 * telemetry at QoS 1. Readings queue while the link is down or busy and go out as one JSON
 * array when several are waiting (store-and-forward, at most 500 per message), so a fast replay
 * neither loses readings nor floods the broker with one message per reading.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { MAX_READINGS_PER_MESSAGE } from '../ingest/contracts/payloads.ts';
import { STATUS_OFFLINE, STATUS_ONLINE, statusTopic, telemetryTopic, type DeviceKind } from '../ingest/contracts/topics.ts';
import type { Emission, Payload } from './bad-data.ts';
import { encodePayloads } from './telemetry-message.ts';

/** A sensor's memory: past this, the oldest readings are dropped, as real loggers do. */
const MAX_BACKLOG = 20 * MAX_READINGS_PER_MESSAGE;
/** Garbage messages waiting at most; more are not made while these wait. */
const MAX_RAW_QUEUED = 3;
/** CONNACK refusals for bad credentials or no authorisation, MQTT 3.1.1 and 5. */
const REFUSED_CODES = new Set([4, 5, 134, 135]);

export interface LinkStats {
  readings: number;
  messages: number;
  failed: number;
  dropped: number;
}

export interface DeviceLinkOptions {
  mqttUrl: string;
  kind: DeviceKind;
  id: string;
  password: string;
  /** Least real time between two telemetry messages: below it, readings wait and batch. */
  minGapMs: number;
  stats: LinkStats;
}

export type LinkState = 'idle' | 'connecting' | 'connected' | 'down' | 'refused' | 'closed';

export interface DeviceLink {
  readonly id: string;
  readonly state: LinkState;
  readonly backlog: number;
  /** Resolves once the first connection attempt has an answer (or `timeoutMs` passed). */
  connect(timeoutMs: number): Promise<LinkState>;
  enqueue(emission: Emission): void;
  flush(realNow: number, force?: boolean): void;
  /** Sends what is queued, then a retained `offline`, then disconnects. */
  close(): Promise<void>;
}

export function createDeviceLink(o: DeviceLinkOptions): DeviceLink {
  const topic = telemetryTopic(o.kind, o.id);
  const status = statusTopic(o.kind, o.id);
  const queue: Emission[] = [];
  let client: MqttClient | null = null;
  let state: LinkState = 'idle';
  let inFlight = 0;
  let lastPublish = -Infinity;
  let rawQueued = 0;

  function publish(body: string, count: number, requeue: Emission[]): void {
    inFlight++;
    lastPublish = performance.now();
    client!.publish(topic, body, { qos: 1 }, (err) => {
      inFlight--;
      if (!err) {
        o.stats.messages++;
        o.stats.readings += count;
        return;
      }
      // Refused or cut off before the PUBACK: back to the front of the queue, sent again later.
      o.stats.failed++;
      queue.unshift(...requeue);
    });
  }

  function sendBatch(): void {
    const head = queue[0]!;
    if ('raw' in head) {
      queue.shift();
      rawQueued--;
      return publish(head.raw, 0, []);
    }
    let n = 0;
    while (n < queue.length && n < MAX_READINGS_PER_MESSAGE && 'payload' in queue[n]!) n++;
    const batch = queue.splice(0, n);
    publish(encodePayloads(batch.map((e) => (e as { payload: Payload }).payload)), n, batch);
  }

  return {
    id: o.id,
    get state() {
      return state;
    },
    get backlog() {
      return queue.length;
    },
    connect(timeoutMs) {
      state = 'connecting';
      const c = mqtt.connect(o.mqttUrl, {
        clientId: o.id,
        username: o.id,
        password: o.password,
        protocolVersion: 4,
        clean: true,
        keepalive: 60,
        reconnectPeriod: 5000,
        connectTimeout: timeoutMs,
        will: { topic: status, payload: Buffer.from(STATUS_OFFLINE), qos: 1, retain: true },
      });
      client = c;
      c.on('connect', () => {
        state = 'connected';
        c.publish(status, STATUS_ONLINE, { qos: 1, retain: true });
      });
      c.on('close', () => {
        if (state === 'connected' || state === 'connecting') state = 'down';
      });
      return new Promise((resolve) => {
        const done = () => resolve(state);
        const timer = setTimeout(done, timeoutMs);
        c.once('connect', () => (clearTimeout(timer), done()));
        c.on('error', (err) => {
          const code = (err as { code?: unknown }).code;
          if (typeof code === 'number' && REFUSED_CODES.has(code)) {
            state = 'refused';
            c.end(true);
            clearTimeout(timer);
            done();
          }
        });
      });
    },
    enqueue(emission) {
      if (state === 'refused' || state === 'closed') return;
      if ('raw' in emission) {
        // Garbage cannot share a message with good readings, so each costs a message of the
        // device's rate; in a fast replay a broken sensor sends what that rate allows.
        if (rawQueued >= MAX_RAW_QUEUED) return;
        rawQueued++;
      }
      queue.push(emission);
      if (queue.length > MAX_BACKLOG) {
        if ('raw' in queue.shift()!) rawQueued--;
        o.stats.dropped++;
      }
    },
    flush(realNow, force = false) {
      if (state !== 'connected' || queue.length === 0) return;
      if (force) {
        while (queue.length > 0) sendBatch();
        return;
      }
      // One message in flight and one per `minGapMs` (a full batch may go sooner): the broker
      // limits each device's message rate and disconnects a device that exceeds it.
      if (inFlight > 0) return;
      if (realNow - lastPublish < o.minGapMs && queue.length < MAX_READINGS_PER_MESSAGE) return;
      sendBatch();
    },
    async close() {
      const c = client;
      if (c === null || state === 'closed') return;
      if (state === 'connected') {
        this.flush(performance.now(), true);
        await c.publishAsync(status, STATUS_OFFLINE, { qos: 1, retain: true }).catch(() => undefined);
        state = 'closed';
        // Not forced: mqtt.js waits for the in-flight QoS 1 messages to be acknowledged.
        await c.endAsync();
      } else {
        state = 'closed';
        await c.endAsync(true);
      }
    },
  };
}
